using AppKeys.LocalApiServer.Authorization;
using AppKeys.Operator.Testing.Hostile;
using k8s;

namespace AppKeys.E2E.Tests.Support;

/// <summary>
/// The <see cref="IHostileWorld"/> of the Native AOT executable: config/default with the rollout-restart component
/// (the overlay tests/E2E/Overlays/rollout-restart) installed with <c>kubectl apply -k</c>, the operator Deployment
/// played by one separate process of the executable as its ServiceAccount (<see cref="NativeOperatorInstall"/>), and
/// Mallory. Its log is the process's stdout and stderr; its metrics are read from its <c>/metrics</c> over HTTP.
/// </summary>
public sealed class NativeHostileWorld : IHostileWorld, IAsyncLifetime
{
    private readonly HttpClient metricsHttp = new() { Timeout = TimeSpan.FromSeconds(10) };
    private NativeOperatorInstall install = null!;

    public HostileClients Admin { get; private set; } = null!;

    public HostileClients Mallory { get; private set; } = null!;

    public string OperatorNamespace => NativeOperatorInstall.OperatorNamespace;

    public IReadOnlyList<DeniedRequest> OperatorDenials => install.Denials;

    public string OperatorLog => install.Replica.Process.Output;

    public async Task InitializeAsync()
    {
        install = await NativeOperatorInstall.StartAsync(
            Path.Combine("tests", "E2E", "Overlays", "rollout-restart"),
            [IHostileWorld.Shop, IHostileWorld.Own],
            [IHostileWorld.MalloryEditBinding(IHostileWorld.Shop), IHostileWorld.MalloryEditBinding(IHostileWorld.Own)]);
        Admin = new HostileClients(install.Admin);
        var mallory = await Kubeconfigs.ConfigAsync(install.Server.KubeconfigYaml);
        Mallory = new HostileClients(new Kubernetes(new KubernetesClientConfiguration { Host = mallory.Host, SslCaCerts = mallory.SslCaCerts, AccessToken = install.Server.IssueToken(IHostileWorld.User) }));
    }

    public async Task DisposeAsync()
    {
        metricsHttp.Dispose();
        if (install is not null)
        {
            await install.DisposeAsync();
        }
    }

    public async Task<string> MetricsAsync()
    {
        Assert.True(await install.Replica.ScrapeAsync(metricsHttp), "the native operator did not serve /metrics");
        return install.Replica.Metrics;
    }
}
