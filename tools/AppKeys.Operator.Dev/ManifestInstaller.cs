using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using AppKeys.Runtime.Client;
using k8s;
using k8s.Models;

namespace AppKeys.Operator.Dev;

/// <summary>
/// Installs manifests into an API server as <c>kubectl apply --server-side --force-conflicts</c> does: each object's
/// resource is found through discovery (any kind the server serves, built-in or custom), then the object is sent as
/// an apply patch. Local mode, the tests and the benchmarks use it for CRDs, RBAC and samples.
/// </summary>
public static class ManifestInstaller
{
    /// <summary>The field manager of every apply (<c>kubectl get -o yaml --show-managed-fields</c> shows it).</summary>
    public const string FieldManager = "appkeys-operator-dev";

    /// <summary>Applies every CRD in <paramref name="directory"/> and waits until each is Established.</summary>
    public static async Task<IReadOnlyList<string>> InstallCrdsAsync(Kubernetes client, string directory, CancellationToken cancellationToken)
    {
        var crds = ManifestFiles.ReadDirectory(directory);
        await ApplyAsync(client, crds, defaultNamespace: null, cancellationToken);
        var names = crds.Select(NameOf).ToList();
        foreach (var name in names)
        {
            await WaitEstablishedAsync(client, name, cancellationToken);
        }

        return names;
    }

    /// <summary>Applies ServiceAccounts and RBAC objects (what config/rbac holds), as they are in the files.</summary>
    public static Task<IReadOnlyList<string>> ApplyRbacAsync(Kubernetes client, IEnumerable<JsonObject> objects, CancellationToken cancellationToken) =>
        ApplyAsync(client, objects, defaultNamespace: null, cancellationToken);

    /// <summary>
    /// Creates the objects in <paramref name="directory"/> (in <paramref name="defaultNamespace"/> unless they name
    /// one) that do not exist yet; existing ones are left as they are, so a sample a user changed stays changed.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ApplySamplesAsync(Kubernetes client, string directory, string defaultNamespace, CancellationToken cancellationToken)
    {
        var transport = new KubernetesTransport(client);
        var discovery = new Discovery(transport);
        var applied = new List<string>();
        foreach (var document in ManifestFiles.ReadDirectory(directory))
        {
            var (resource, ns) = await discovery.ResolveAsync(document, defaultNamespace, cancellationToken);
            using var response = await transport.SendAsync(
                HttpMethod.Post,
                resource.CollectionPath(ns) + "?fieldManager=" + FieldManager,
                Json(document, "application/json"),
                HttpCompletionOption.ResponseContentRead,
                cancellationToken);
            if (response.StatusCode != HttpStatusCode.Conflict)
            {
                await EnsureSuccessAsync(response, resource, document, cancellationToken);
            }

            applied.Add($"{resource.Kind} {ns}/{NameOf(document)}");
        }

        return applied;
    }

    /// <summary>Server-side applies each object (taking over fields other managers own, as <c>--force-conflicts</c>).</summary>
    public static async Task<IReadOnlyList<string>> ApplyAsync(Kubernetes client, IEnumerable<JsonObject> objects, string? defaultNamespace, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(objects);
        var transport = new KubernetesTransport(client);
        var discovery = new Discovery(transport);
        var applied = new List<string>();
        foreach (var document in objects)
        {
            var (resource, ns) = await discovery.ResolveAsync(document, defaultNamespace, cancellationToken);
            using var response = await transport.SendAsync(
                HttpMethod.Patch,
                resource.ObjectPath(ns, NameOf(document)) + $"?fieldManager={FieldManager}&force=true",
                Json(document, "application/apply-patch+yaml"),
                HttpCompletionOption.ResponseContentRead,
                cancellationToken);
            await EnsureSuccessAsync(response, resource, document, cancellationToken);
            applied.Add(ns is null ? $"{resource.Kind} {NameOf(document)}" : $"{resource.Kind} {ns}/{NameOf(document)}");
        }

        return applied;
    }

    public static async Task EnsureNamespaceAsync(Kubernetes client, string name, CancellationToken cancellationToken)
    {
        var ns = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Namespace",
            ["metadata"] = new JsonObject { ["name"] = name },
        };
        await ApplyAsync(client, [ns], defaultNamespace: null, cancellationToken);
    }

    private static string NameOf(JsonObject document) =>
        document["metadata"]?["name"]?.GetValue<string>() is { Length: > 0 } name
            ? name
            : throw new InvalidOperationException($"a {document["kind"]} manifest has no metadata.name");

    private static StringContent Json(JsonObject document, string mediaType) =>
        new(document.ToJsonString(), Encoding.UTF8, mediaType);

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, ResourceInfo resource, JsonObject document, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new InvalidOperationException($"applying {resource.Kind} {NameOf(document)} failed: {(int)response.StatusCode} {body}");
        }
    }

    private static async Task WaitEstablishedAsync(Kubernetes client, string name, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            while (true)
            {
                var crd = await client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(name, cancellationToken: timeout.Token);
                if (crd.Status?.Conditions?.Any(c => c.Type == "Established" && c.Status == "True") == true)
                {
                    return;
                }

                await Task.Delay(100, timeout.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"CRD {name} was not Established within 30 s");
        }
    }

    /// <summary>apiVersion + kind → resource, from the server's discovery documents (cached per group version).</summary>
    private sealed class Discovery(KubernetesTransport transport)
    {
        private readonly Dictionary<string, V1APIResourceList> groupVersions = new(StringComparer.Ordinal);

        public async Task<(ResourceInfo Resource, string? Namespace)> ResolveAsync(JsonObject document, string? defaultNamespace, CancellationToken cancellationToken)
        {
            var apiVersion = document["apiVersion"]?.GetValue<string>() ?? throw new InvalidOperationException("a manifest has no apiVersion");
            var kind = document["kind"]?.GetValue<string>() ?? throw new InvalidOperationException("a manifest has no kind");
            if (!groupVersions.TryGetValue(apiVersion, out var list))
            {
                var path = apiVersion.Contains('/', StringComparison.Ordinal) ? $"apis/{apiVersion}" : $"api/{apiVersion}";
                using var response = await transport.SendAsync(HttpMethod.Get, path, null, HttpCompletionOption.ResponseContentRead, cancellationToken);
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                list = response.IsSuccessStatusCode
                    ? KubernetesJson.Deserialize<V1APIResourceList>(body)
                    : throw new InvalidOperationException($"the server does not serve {apiVersion} ({(int)response.StatusCode})");
                groupVersions[apiVersion] = list;
            }

            var found = list.Resources.FirstOrDefault(r => r.Kind == kind && !r.Name.Contains('/', StringComparison.Ordinal))
                ?? throw new InvalidOperationException($"the server serves no {kind} in {apiVersion}");
            var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
            var resource = new ResourceInfo(slash < 0 ? string.Empty : apiVersion[..slash], apiVersion[(slash + 1)..], kind, found.Name, found.Namespaced);
            if (!resource.Namespaced)
            {
                return (resource, null);
            }

            var metadata = document["metadata"] as JsonObject ?? throw new InvalidOperationException($"a {kind} manifest has no metadata");
            var ns = metadata["namespace"]?.GetValue<string>() ?? defaultNamespace
                ?? throw new InvalidOperationException($"{kind} {NameOf(document)} names no namespace");
            metadata["namespace"] = ns;
            return (resource, ns);
        }
    }
}
