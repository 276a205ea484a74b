using System.Text;
using AppKeys.LocalApiServer;
using AppKeys.LocalApiServer.Authorization;
using AppKeys.Operator.Dev;
using AppKeys.Operator.Hosting;
using AppKeys.Operator.Testing.Hostile;
using AppKeys.Operator.Tests.LeastPrivilege;
using AppKeys.Operator.Tests.TestSupport;
using AppKeys.Runtime.Metrics;
using k8s;
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
/// The <see cref="IHostileWorld"/> of the in-process JIT operator: a local API server enforcing RBAC, config/rbac and
/// the rollout-restart component applied, <see cref="OperatorHost"/> started in this process with the ServiceAccount's
/// token, its log lines captured, its metrics read from its registry, and Mallory.
/// </summary>
public sealed class HostileWorld : IHostileWorld, IAsyncLifetime
{
    private const string Shop = IHostileWorld.Shop;
    private const string Own = IHostileWorld.Own;

    private readonly CapturingLoggerProvider logs = new();
    private LocalKubernetesApiServer server = null!;
    private WebApplication operatorApp = null!;

    public HostileClients Admin { get; private set; } = null!;

    public HostileClients Mallory { get; private set; } = null!;

    public string OperatorNamespace => OperatorRbac.ServiceAccountNamespace;

    public string OperatorLog => string.Join('\n', logs.Lines);

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
        await ManifestInstaller.ApplyRbacAsync(admin, [IHostileWorld.MalloryEditBinding(Shop), IHostileWorld.MalloryEditBinding(Own)], CancellationToken.None);
        Admin = new HostileClients(admin);
        Mallory = new HostileClients(new Kubernetes(Config(adminConfig, server.IssueToken(IHostileWorld.User))));

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

    public IReadOnlyList<DeniedRequest> OperatorDenials => [.. server.Denials.Denied.Where(d => d.User == OperatorRbac.User)];

    public async Task<string> MetricsAsync()
    {
        using var stream = new MemoryStream();
        await operatorApp.Services.GetRequiredService<RuntimeMetrics>().ExportAsync(stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static KubernetesClientConfiguration Config(KubernetesClientConfiguration admin, string token) =>
        new() { Host = admin.Host, SslCaCerts = admin.SslCaCerts, AccessToken = token };
}
