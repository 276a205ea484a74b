using System.Text.Json.Nodes;
using AppKeys.LocalApiServer;
using AppKeys.LocalApiServer.Authorization;
using AppKeys.Operator.Dev;
using AppKeys.Runtime.Client;
using k8s;
using k8s.Models;

namespace AppKeys.E2E.Tests.Support;

/// <summary>
/// A kustomization (config/default, or an overlay of it) installed with <c>kubectl apply -k</c> on a local API server
/// enforcing RBAC, and its operator Deployment played by one Native AOT process (<see cref="NativeOperatorReplica"/>,
/// the pod <see cref="PodName"/>) logging at Trace, so a secret-hygiene scan of its output covers every line the
/// executable can write. Ready once the process holds the leader Lease.
/// </summary>
internal sealed class NativeOperatorInstall : IAsyncDisposable
{
    public const string OperatorNamespace = "appkeys-system";
    public const string PodName = "appkeys-operator-0";
    private const string LeaseName = "appkeys-operator-leader";

    private static readonly Dictionary<string, string> TraceLogging = new() { ["Logging__LogLevel__Default"] = "Trace" };

    private readonly DirectoryInfo scratch;

    private NativeOperatorInstall(DirectoryInfo scratch, LocalKubernetesApiServer server, Kubernetes admin, NativeOperatorReplica replica, string issuer)
    {
        this.scratch = scratch;
        Server = server;
        Admin = admin;
        Replica = replica;
        Issuer = issuer;
    }

    public LocalKubernetesApiServer Server { get; }

    /// <summary>The cluster admin's client.</summary>
    public Kubernetes Admin { get; }

    public NativeOperatorReplica Replica { get; }

    /// <summary>The JWT issuer the Deployment configures (<c>APPKEYS_ISSUER</c>).</summary>
    public string Issuer { get; }

    /// <summary>The operator's requests that RBAC denied.</summary>
    public IReadOnlyList<DeniedRequest> Denials => [.. Server.Denials.Denied.Where(d => d.User == Replica.Process.ServiceAccountUser)];

    /// <summary>
    /// Installs <paramref name="kustomization"/> (relative to the repository), creates <paramref name="namespaces"/>,
    /// applies <paramref name="objects"/> (e.g. RoleBindings of test users), then starts the operator process.
    /// </summary>
    public static async Task<NativeOperatorInstall> StartAsync(string kustomization, IEnumerable<string> namespaces, IReadOnlyList<JsonObject>? objects = null)
    {
        // Fails (never skips) without `make publish`: the image ships this file, and `make test` publishes it first.
        DeployedOperatorProcess.NativeExecutable();
        var scratch = Directory.CreateTempSubdirectory("appkeys-native-install-");
        var server = await LocalKubernetesApiServer.StartAsync(new LocalApiServerOptions { Authorization = AuthorizationMode.Rbac, OwnerReferencesPermissionEnforcement = true });
        using (var kubectl = new Kubectl(server.WriteKubeconfig(Path.Combine(scratch.FullName, "kubeconfig"))))
        {
            (await kubectl.RunAsync(["apply", "--server-side", "-k", RepositoryRoot.Combine(kustomization)], timeout: TimeSpan.FromMinutes(2))).EnsureSuccess();
        }

        var admin = new Kubernetes(await Kubeconfigs.ConfigAsync(server.KubeconfigYaml));
        foreach (var ns in namespaces)
        {
            await ManifestInstaller.EnsureNamespaceAsync(admin, ns, CancellationToken.None);
        }

        if (objects is { Count: > 0 })
        {
            await ManifestInstaller.ApplyRbacAsync(admin, objects, CancellationToken.None);
        }

        var deployments = await admin.AppsV1.ListNamespacedDeploymentAsync(OperatorNamespace, labelSelector: "app.kubernetes.io/name=appkeys-operator");
        var deployment = JsonNode.Parse(KubernetesJson.Serialize(Assert.Single(deployments.Items)))!;
        var env = deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray();
        var issuer = (string)env.Single(e => (string?)e!["name"] == "APPKEYS_ISSUER")!["value"]!;
        var replica = NativeOperatorReplica.Start(server, deployment, PodName, environment: TraceLogging);
        var install = new NativeOperatorInstall(scratch, server, admin, replica, issuer);
        try
        {
            var leases = new ResourceClient<V1Lease>(new KubernetesTransport(admin));
            await Eventually.TrueAsync(
                async () => replica.IsAnswering && (await leases.GetAsync(LeaseName, OperatorNamespace))?.Spec?.HolderIdentity == PodName,
                $"the native operator ({PodName}) holding the Lease",
                seconds: 60);
            return install;
        }
        catch
        {
            await install.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The last <paramref name="lines"/> lines the process printed, for a failure report; withheld when they hold a
    /// value of any Secret the API server has now (test output must never carry one).
    /// </summary>
    public async Task<string> SafeOutputTailAsync(int lines = 60)
    {
        var tail = string.Join('\n', Replica.Process.Output.Split('\n').TakeLast(lines));
        try
        {
            var seen = new SecretValueCollector();
            foreach (var secret in (await new ResourceClient<V1Secret>(new KubernetesTransport(Admin)).ListAsync(null)).Items)
            {
                seen.Add(secret);
            }

            var leaks = seen.FindIn([("the tail", tail)]);
            return leaks.Count == 0 ? tail : $"(the last {lines} lines are withheld: {string.Join("; ", leaks)})";
        }
        catch (Exception e) when (e is HttpRequestException or KubernetesApiException)
        {
            return $"(the last {lines} lines are withheld: the Secrets could not be listed to check them: {e.GetType().Name})";
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Replica.DisposeAsync();
        Admin.Dispose();
        await Server.DisposeAsync();
        scratch.Delete(recursive: true);
    }
}
