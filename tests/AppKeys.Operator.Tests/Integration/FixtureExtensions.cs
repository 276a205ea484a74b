using System.Text;
using AppKeys.Operator.Apis;
using AppKeys.Runtime.Client;
using k8s.Models;

namespace AppKeys.Operator.Tests.Integration;

/// <summary>Test vocabulary over the shared fixture.</summary>
internal static class FixtureExtensions
{
    public static Task<V1Alpha1Application> CreateApplicationAsync(this OperatorFixture f, string ns, string name, Action<V1Alpha1ApplicationSpec>? configure = null)
    {
        var app = new V1Alpha1Application { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns }, Spec = new V1Alpha1ApplicationSpec() };
        configure?.Invoke(app.Spec);
        return f.Applications.CreateAsync(app);
    }

    public static Task<V1Alpha1ApplicationKey> CreateKeyAsync(this OperatorFixture f, string ns, string name, string application, Action<V1Alpha1ApplicationKeySpec>? configure = null)
    {
        var key = new V1Alpha1ApplicationKey
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
            Spec = new V1Alpha1ApplicationKeySpec { ApplicationRef = new V1Alpha1ApplicationReference { Name = application } },
        };
        configure?.Invoke(key.Spec);
        return f.Keys.CreateAsync(key);
    }

    public static Task<V1Alpha1ApplicationKey> WaitKeyAsync(this OperatorFixture f, string ns, string name, Func<V1Alpha1ApplicationKey, bool> done, string what, TimeSpan? timeout = null) =>
        Eventually.GetAsync(() => f.Keys.GetAsync(name, ns), k => k is not null && done(k), $"ApplicationKey {ns}/{name} {what}", timeout);

    public static Task<V1Alpha1ApplicationKey> WaitKeyReadyAsync(this OperatorFixture f, string ns, string name, long? revision = null, TimeSpan? timeout = null) =>
        f.WaitKeyAsync(ns, name, k => Ready(k)?.Status == "True" && Ready(k)?.ObservedGeneration == k.Metadata.Generation && (revision is null || k.Status?.Revision == revision), revision is null ? "Ready" : $"Ready at revision {revision}", timeout);

    public static Task<V1Alpha1ApplicationKey> WaitKeyReasonAsync(this OperatorFixture f, string ns, string name, string reason) =>
        f.WaitKeyAsync(ns, name, k => Ready(k)?.Status == "False" && Ready(k)?.Reason == reason && Ready(k)?.ObservedGeneration == k.Metadata.Generation, $"Ready=False {reason}");

    public static Task<V1Alpha1Application> WaitApplicationReadyAsync(this OperatorFixture f, string ns, string name) =>
        Eventually.GetAsync(() => f.Applications.GetAsync(name, ns), a => a is not null && a.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True" && c.ObservedGeneration == a.Metadata.Generation) == true, $"Application {ns}/{name} Ready");

    public static V1Condition? Ready(V1Alpha1ApplicationKey key) => key.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");

    /// <summary>Reads a Secret (and remembers its secret values for the hygiene check).</summary>
    public static async Task<V1Secret?> GetSecretAsync(this OperatorFixture f, string ns, string name)
    {
        var secret = await f.Secrets.GetAsync(name, ns);
        f.Remember(secret);
        return secret;
    }

    public static async Task<IReadOnlyDictionary<string, string>> SecretDataAsync(this OperatorFixture f, string ns, string name)
    {
        var secret = await Eventually.GetAsync(() => f.GetSecretAsync(ns, name), $"Secret {ns}/{name}");
        return secret.Data.ToDictionary(e => e.Key, e => Encoding.UTF8.GetString(e.Value), StringComparer.Ordinal);
    }

    public static Task PatchAnnotationAsync<T>(this AppKeys.Runtime.Client.IResourceClient<T> client, string ns, string name, string annotation, string value)
        where T : class, k8s.IKubernetesObject<V1ObjectMeta> =>
        client.PatchAsync(name, ns, new ResourcePatch(System.Text.Json.JsonSerializer.Serialize(new { metadata = new { annotations = new Dictionary<string, string> { [annotation] = value } } }), ResourcePatchType.MergePatch));

    /// <summary>Sum of <c>controller_runtime_reconcile_total</c> for a controller, from the operator's /metrics.</summary>
    public static async Task<double> ReconcileCountAsync(this OperatorFixture f, string controller)
    {
        using var http = new HttpClient();
        var text = await http.GetStringAsync(new Uri(f.OperatorHttp, "/metrics"));
        return text.Split('\n')
            .Where(l => l.StartsWith("controller_runtime_reconcile_total{", StringComparison.Ordinal) && l.Contains($"controller=\"{controller}\"", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }
}
