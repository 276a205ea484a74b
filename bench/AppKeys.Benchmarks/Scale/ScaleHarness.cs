using AppKeys.LocalApiServer;
using AppKeys.Manifests;
using AppKeys.Operator.Dev;
using AppKeys.Operator.Hosting;
using AppKeys.Runtime.Client;
using AppKeys.Runtime.Hosting;
using AppKeys.Runtime.Metrics;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AppKeys.Benchmarks.Scale;

/// <summary>
/// The local API server with the CRDs installed, a driver client (not counted), and optionally the operator hosted
/// in-process exactly as its Program does (<see cref="OperatorHost.Build"/>), its client wrapped in a
/// <see cref="RequestCounter"/>.
/// </summary>
internal sealed class ScaleHarness : IAsyncDisposable
{
    private readonly string directory;
    private WebApplication? operatorApp;

    private ScaleHarness(LocalKubernetesApiServer server, string directory, KubernetesClientConfiguration config)
    {
        Server = server;
        this.directory = directory;
        Config = config;
        Driver = new Kubernetes(config);
        DriverTransport = new KubernetesTransport(Driver);
    }

    public LocalKubernetesApiServer Server { get; }

    public KubernetesClientConfiguration Config { get; }

    public string KubeconfigPath => Path.Combine(directory, "kubeconfig");

    /// <summary>The benchmark's own client (its requests are not counted).</summary>
    public Kubernetes Driver { get; }

    public KubernetesTransport DriverTransport { get; }

    /// <summary>Requests of the in-process operator.</summary>
    public RequestCounter OperatorRequests { get; } = new();

    public static async Task<ScaleHarness> StartAsync(CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("appkeys-bench-").FullName;
        var server = await LocalKubernetesApiServer.StartAsync(new LocalApiServerOptions(), cancellationToken);
        var kubeconfig = server.WriteKubeconfig(Path.Combine(directory, "kubeconfig"));
        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig);
        var harness = new ScaleHarness(server, directory, config);
        var crds = Path.Combine(directory, "crds");
        CrdWriter.WriteAll(crds);
        await ManifestInstaller.InstallCrdsAsync(harness.Driver, crds, cancellationToken);
        await harness.Driver.CoreV1.CreateNamespaceAsync(
            new V1Namespace { Metadata = new V1ObjectMeta { Name = OperatorOptions.DefaultNamespace } },
            cancellationToken: cancellationToken);
        return harness;
    }

    public IResourceClient<T> DriverClient<T>()
        where T : class, IKubernetesObject<V1ObjectMeta> => new ResourceClient<T>(DriverTransport);

    /// <summary>Starts the operator in-process.</summary>
    /// <param name="qps">Client rate limit; null: none at all (rate limiting off).</param>
    /// <param name="burst">Burst with <paramref name="qps"/>.</param>
    /// <param name="workers">Concurrent reconciles per controller.</param>
    /// <param name="watchTimeout">Informers' minimum watch timeout (short values force frequent watch reconnects).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public async Task StartOperatorAsync(double? qps, int burst, int workers, TimeSpan? watchTimeout, CancellationToken cancellationToken)
    {
        var options = new OperatorOptions
        {
            HttpAddress = "127.0.0.1",
            HttpPort = 0,
            LeaderElect = false,
            Workers = workers,
            Qps = qps ?? 50,
            Burst = burst,
        };
        var counter = OperatorRequests;
        var config = Config;
        operatorApp = OperatorHost.Build(
            options,
            config,
            services =>
            {
                // Registered before the runtime's own (TryAdd) client, so this one is used: same handlers plus the counter.
                services.AddSingleton(sp => qps is { } limit
                    ? KubernetesConnection.Create(
                        config,
                        new RateLimitingHandler(new ClientRateLimitOptions { Qps = limit, Burst = burst }, TimeProvider.System, sp.GetRequiredService<RuntimeMetrics>()),
                        counter)
                    : KubernetesConnection.Create(config, counter));
                if (watchTimeout is { } timeout)
                {
                    services.AddInformer<Operator.Apis.V1Alpha1Application>(o => o.MinWatchTimeout = timeout);
                    services.AddInformer<Operator.Apis.V1Alpha1ApplicationKey>(o => o.MinWatchTimeout = timeout);
                    services.AddInformer<V1Secret>(o => o.MinWatchTimeout = timeout);
                }
            },
            logging => logging.SetMinimumLevel(LogLevel.Warning));
        await operatorApp.StartAsync(cancellationToken);
    }

    public async Task StopOperatorAsync()
    {
        if (operatorApp is { } app)
        {
            operatorApp = null;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await app.StopAsync(timeout.Token);
            await app.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopOperatorAsync();
        Driver.Dispose();
        await Server.DisposeAsync();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp directory.
        }
    }
}
