using System.Text;
using System.Text.Json.Nodes;
using AppKeys.LocalApiServer;
using AppKeys.LocalApiServer.Authorization;
using AppKeys.Operator.Apis;
using AppKeys.Operator.Dev;
using AppKeys.Operator.Hosting;
using AppKeys.Operator.Tests.LeastPrivilege;
using AppKeys.Operator.Tests.TestSupport;
using AppKeys.Runtime.Client;
using AppKeys.Runtime.Metrics;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AppKeys.Operator.Tests.Hostile;

[CollectionDefinition(Name)]
public sealed class HostileCollection : ICollectionFixture<HostileWorld>
{
    public const string Name = "Hostile";
}

/// <summary>
/// A local API server enforcing RBAC, config/rbac applied, the operator running as its ServiceAccount, and Mallory: a
/// namespace user bound to the built-in <c>edit</c> ClusterRole in two namespaces (<see cref="Shop"/>, where the
/// victim Applications live, and <see cref="Own"/>, hers) and nothing else. Attacks are made with Mallory's client;
/// what the operator did is read with the admin's.
/// </summary>
public sealed class HostileWorld : IAsyncLifetime
{
    public const string Shop = "shop";
    public const string Own = "mallory";
    public const string User = "mallory";

    private readonly CapturingLoggerProvider logs = new();
    private LocalKubernetesApiServer server = null!;
    private WebApplication operatorApp = null!;

    public Admin Admin { get; private set; } = null!;

    public Admin Mallory { get; private set; } = null!;

    public IReadOnlyCollection<string> OperatorLog => logs.Lines;

    public async Task InitializeAsync()
    {
        server = await LocalKubernetesApiServer.StartAsync(new LocalApiServerOptions { Authorization = AuthorizationMode.Rbac, OwnerReferencesPermissionEnforcement = true });
        var adminConfig = await Kubeconfigs.ConfigAsync(server.KubeconfigYaml);
        var admin = new Kubernetes(adminConfig);
        await ManifestInstaller.InstallCrdsAsync(admin, RepositoryRoot.Combine("config", "crd", "bases"), CancellationToken.None);
        foreach (var ns in new[] { OperatorRbac.ServiceAccountNamespace, Shop, Own })
        {
            await ManifestInstaller.EnsureNamespaceAsync(admin, ns, CancellationToken.None);
        }

        // With the opt-in rollout-restart RBAC: what a hostile user can make the operator do with it is attacked too.
        await ManifestInstaller.ApplyRbacAsync(admin, OperatorRbac.LoadWithRolloutRestart().Objects, CancellationToken.None);
        await ManifestInstaller.ApplyRbacAsync(admin, [EditBinding(Shop), EditBinding(Own)], CancellationToken.None);
        Admin = new Admin(admin);
        Mallory = new Admin(new Kubernetes(Config(adminConfig, server.IssueToken(User))));

        var options = new OperatorOptions
        {
            Namespace = OperatorRbac.ServiceAccountNamespace,
            HttpPort = 0,
            HttpAddress = "127.0.0.1",
            LeaderElect = false,
            Issuer = "https://issuer.test",
            Audiences = ["https://api.test"],
        };
        operatorApp = OperatorHost.Build(
            options,
            Config(adminConfig, server.IssueToken(OperatorRbac.User)),
            services => services.AddSingleton(new RuntimeMetrics(Prometheus.Metrics.NewCustomRegistry())),
            logging =>
            {
                logging.ClearProviders();
                logging.AddProvider(logs);
            });
        await operatorApp.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await operatorApp.StopAsync();
        await operatorApp.DisposeAsync();
        await server.DisposeAsync();
    }

    /// <summary>The operator's own requests that were denied: none may be (the attacks never need more permissions).</summary>
    public IReadOnlyList<DeniedRequest> OperatorDenials => [.. server.Denials.Denied.Where(d => d.User == OperatorRbac.User)];

    /// <summary>The operator's metrics text.</summary>
    public async Task<string> MetricsAsync()
    {
        using var stream = new MemoryStream();
        await operatorApp.Services.GetRequiredService<RuntimeMetrics>().ExportAsync(stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static KubernetesClientConfiguration Config(KubernetesClientConfiguration admin, string token) =>
        new() { Host = admin.Host, SslCaCerts = admin.SslCaCerts, AccessToken = token };

    private static JsonObject EditBinding(string ns) => JsonNode.Parse($$"""
        {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"mallory-edit","namespace":"{{ns}}"},
         "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"edit"},
         "subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"User","name":"{{User}}"}]}
        """)!.AsObject();
}

/// <summary>Typed clients of one identity.</summary>
public sealed class Admin(Kubernetes client)
{
    private readonly KubernetesTransport transport = new(client);

    public IResourceClient<V1Alpha1Application> Applications => new ResourceClient<V1Alpha1Application>(transport);

    public IResourceClient<V1Alpha1ApplicationKey> Keys => new ResourceClient<V1Alpha1ApplicationKey>(transport);

    public IResourceClient<V1Secret> Secrets => new ResourceClient<V1Secret>(transport);

    public IResourceClient<Corev1Event> Events => new ResourceClient<Corev1Event>(transport);

    public IResourceClient<V1Deployment> Deployments => new ResourceClient<V1Deployment>(transport);
}
