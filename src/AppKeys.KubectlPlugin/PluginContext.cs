using AppKeys.Operator.Apis;
using AppKeys.Runtime.Client;
using k8s;
using k8s.Models;

namespace AppKeys.KubectlPlugin;

/// <summary>What every command works with: typed clients of the current kubeconfig context, its namespace, and the output.</summary>
internal sealed class PluginContext : IDisposable
{
    private readonly Kubernetes client;

    public PluginContext(KubernetesClientConfiguration config, string @namespace, string operatorNamespace, TextWriter output, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(config);
        client = new Kubernetes(config);
        var transport = new KubernetesTransport(client);
        Namespace = @namespace;
        OperatorNamespace = operatorNamespace;
        Output = output;
        Time = time;
        Applications = new ResourceClient<V1Alpha1Application>(transport);
        Keys = new ResourceClient<V1Alpha1ApplicationKey>(transport);
        Secrets = new ResourceClient<V1Secret>(transport);
        ConfigMaps = new ResourceClient<V1ConfigMap>(transport);
        Events = new ResourceClient<Corev1Event>(transport);
        Leases = new ResourceClient<V1Lease>(transport);
    }

    public string Namespace { get; }

    /// <summary>Where the operator keeps its Lease, JWKS ConfigMap and signing keys.</summary>
    public string OperatorNamespace { get; }

    public TextWriter Output { get; }

    public TimeProvider Time { get; }

    public IResourceClient<V1Alpha1Application> Applications { get; }

    public IResourceClient<V1Alpha1ApplicationKey> Keys { get; }

    public IResourceClient<V1Secret> Secrets { get; }

    public IResourceClient<V1ConfigMap> ConfigMaps { get; }

    public IResourceClient<Corev1Event> Events { get; }

    public IResourceClient<V1Lease> Leases { get; }

    /// <summary>The events about one object, newest last.</summary>
    public async Task<IReadOnlyList<Corev1Event>> EventsOfAsync(V1ObjectMeta metadata, CancellationToken cancellationToken)
    {
        var events = await Events.ListAsync(metadata.NamespaceProperty, new ListOptions(FieldSelector: $"involvedObject.uid={metadata.Uid}"), cancellationToken);
        return [.. events.Items.OrderBy(e => e.LastTimestamp ?? e.EventTime ?? e.Metadata.CreationTimestamp)];
    }

    /// <summary>Sets an annotation with a merge patch (what <c>kubectl annotate --overwrite</c> does).</summary>
    public static Task AnnotateAsync<T>(IResourceClient<T> resource, string name, string? @namespace, string annotation, string value, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var patch = new System.Text.Json.Nodes.JsonObject
        {
            ["metadata"] = new System.Text.Json.Nodes.JsonObject
            {
                ["annotations"] = new System.Text.Json.Nodes.JsonObject { [annotation] = value },
            },
        };
        return resource.PatchAsync(name, @namespace, new ResourcePatch(patch.ToJsonString(), ResourcePatchType.MergePatch), cancellationToken);
    }

    public void Dispose() => client.Dispose();

    /// <summary>The ApplicationKey's kind names as kubectl accepts them.</summary>
    public static bool IsKey(string kind) =>
        kind.ToLowerInvariant() is "applicationkey" or "applicationkeys" or "appkey" or "akey" or "key" or "applicationkey.appkeys.io";

    /// <summary>The Application's kind names as kubectl accepts them.</summary>
    public static bool IsApplication(string kind) =>
        kind.ToLowerInvariant() is "application" or "applications" or "app" or "akapp" or "application.appkeys.io";

    /// <summary>"AppKeysApi" names, for messages.</summary>
    public static string Kinds => $"{AppKeysApi.ApplicationKind} (application) or {AppKeysApi.ApplicationKeyKind} (applicationkey, appkey)";
}
