using System.Net;
using System.Text;
using AppKeys.Operator.Hosting;
using AppKeys.Operator.Testing.Chaos;
using AppKeys.Operator.Tests.TestSupport;
using AppKeys.Runtime.Client;
using AppKeys.Runtime.Hosting;
using AppKeys.Runtime.LeaderElection;
using AppKeys.Runtime.Metrics;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AppKeys.Operator.Tests.Chaos;

/// <summary>
/// One operator process, in process: its own host, metrics registry and lease identity, reaching the API server
/// through its own <see cref="TcpProxy"/> so that <see cref="Kill"/> cuts it off at once, as a killed pod is.
/// </summary>
internal sealed class OperatorReplica : IKeyManagerReplica, IAsyncDisposable
{
    private readonly TcpProxy proxy;
    private readonly WebApplication app;
    private Task? stopping;

    private OperatorReplica(string identity, TcpProxy proxy, WebApplication app, LeaderElector elector, RuntimeMetrics metrics, string oauthBase)
    {
        Identity = identity;
        OAuthBase = oauthBase;
        this.proxy = proxy;
        this.app = app;
        Elector = elector;
        Metrics = metrics;
        app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(() => StoppedItself = !proxy.IsKilled);
    }

    public string Identity { get; }

    /// <summary>The key manager's HTTPS base URL on this replica (its own port; the issuer is ChaosWorld.Issuer).</summary>
    public string OAuthBase { get; }

    public LeaderElector Elector { get; }

    /// <summary>This replica's metrics; readable after it was killed.</summary>
    public RuntimeMetrics Metrics { get; }

    public bool IsKilled => proxy.IsKilled;

    /// <summary>True when the process stopped on its own (e.g. after losing the lease), as a pod that exits.</summary>
    public bool StoppedItself { get; private set; }

    public bool IsAnswering => !IsKilled && !StoppedItself;

    /// <param name="identity">Lease holder identity.</param>
    /// <param name="upstream">The API server's address (the proxy dials it for every new connection).</param>
    /// <param name="kubeconfigYaml">The server's admin kubeconfig (for its CA); its server address is replaced by the proxy's.</param>
    /// <param name="accessToken">The bearer token the replica authenticates with (the operator's ServiceAccount).</param>
    /// <param name="clock">Time for everything but leader election (tokens, requeues, backoff).</param>
    /// <param name="logs">Receives every log line.</param>
    /// <param name="configureOptions">Adjusts the operator options (workers, QPS).</param>
    public static async Task<OperatorReplica> StartAsync(
        string identity,
        IPEndPoint upstream,
        string kubeconfigYaml,
        string accessToken,
        TimeProvider clock,
        ILoggerProvider logs,
        Action<OperatorOptions>? configureOptions = null)
    {
        var proxy = new TcpProxy(upstream);
        var config = await Kubeconfigs.ConfigAsync(kubeconfigYaml);

        config.Host = $"https://127.0.0.1:{proxy.Port}";
        config.AccessToken = accessToken;
        var options = new OperatorOptions
        {
            Namespace = ChaosWorld.OperatorNamespace,
            HttpPort = 0,
            HttpAddress = "127.0.0.1",
            LeaderElect = true,
            Identity = identity,
            Issuer = ChaosWorld.Issuer,
            Audiences = [ChaosWorld.Audience],
            OAuthPort = FreePort(),
            // Shorter than one clock jump, so that a rotation requested after the first jump completes in the run.
            SigningKeyPrepublish = ChaosWorld.Prepublish,
        };
        configureOptions?.Invoke(options);
        var metrics = new RuntimeMetrics(Prometheus.Metrics.NewCustomRegistry());
        LeaderElector? elector = null;
        var app = OperatorHost.Build(
            options,
            config,
            services =>
            {
                services.AddSingleton(clock);
                services.AddSingleton(metrics);
                services.Configure<ControllerRuntimeOptions>(runtime =>
                {
                    // Short lease timings so that a killed leader is replaced within seconds.
                    runtime.LeaderElection.LeaseDuration = TimeSpan.FromSeconds(5);
                    runtime.LeaderElection.RenewDeadline = TimeSpan.FromSeconds(4);
                    runtime.LeaderElection.RetryPeriod = TimeSpan.FromMilliseconds(500);
                    runtime.ShutdownTimeout = TimeSpan.FromSeconds(2);
                });

                // The test moves the operator's clock forward by minutes to reach renewal times; leader election keeps the
                // real clock, so those jumps do not expire the lease (an artefact of the test, not a fault under study).
                services.AddSingleton(sp => elector = new LeaderElector(
                    sp.GetRequiredService<IResourceClient<V1Lease>>(),
                    sp.GetRequiredService<IOptions<ControllerRuntimeOptions>>().Value.LeaderElection,
                    TimeProvider.System,
                    metrics,
                    sp.GetService<ILogger<LeaderElector>>(),
                    sp.GetRequiredService<LeadershipFence>()));
            },
            logging =>
            {
                logging.ClearProviders();
                logging.AddProvider(logs);
                logging.SetMinimumLevel(LogLevel.Trace);
            });
        await app.StartAsync();
        return new OperatorReplica(identity, proxy, app, elector ?? app.Services.GetRequiredService<LeaderElector>(), metrics, $"https://127.0.0.1:{options.OAuthPort}");
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Cuts the replica off the API server at once (no lease release, no graceful stop), then stops its host in the background.</summary>
    public void Kill()
    {
        proxy.Kill();
        stopping ??= StopQuietlyAsync();
    }

    /// <summary>A singleton of this replica's services (for diagnostics).</summary>
    public T Service<T>()
        where T : notnull => app.Services.GetRequiredService<T>();

    /// <summary>The Prometheus text of this replica's metrics.</summary>
    public async Task<string> MetricsTextAsync()
    {
        using var buffer = new MemoryStream();
        await Metrics.ExportAsync(buffer);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public async ValueTask DisposeAsync()
    {
        stopping ??= StopQuietlyAsync();
        await stopping;
        await proxy.DisposeAsync();
    }

    private async Task StopQuietlyAsync()
    {
        // Nothing it does from here on reaches the server; this only frees the in-process resources.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await app.StopAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
        }

        await app.DisposeAsync();
    }
}
