using AppKeys.Runtime.Client;
using AppKeys.Runtime.Hosting;
using AppKeys.Runtime.Metrics;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace AppKeys.Runtime.Tests.TestSupport;

/// <summary>
/// A full operator-shaped host against the local API server: <c>AddControllerRuntime</c> (leader election on, short
/// timings), a ConfigMap controller running <see cref="ProbeReconciler"/>, the runtime endpoints on Kestrel
/// (127.0.0.1, ephemeral port) and its own metrics registry. Started with <c>RunAsync</c>, so
/// <c>StopApplication()</c> really stops it.
/// </summary>
internal sealed class RuntimeHost : IAsyncDisposable
{
    private readonly WebApplication app;

    private RuntimeHost(WebApplication app, Task run, string identity)
    {
        this.app = app;
        Run = run;
        Identity = identity;
        Http = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(10) };

        // Resolved now: RunAsync disposes the service provider when the host stops, and tests inspect it afterwards.
        Probe = app.Services.GetRequiredService<ReconcileProbe>();
        Metrics = app.Services.GetRequiredService<RuntimeMetrics>();
        Health = app.Services.GetRequiredService<RuntimeHealth>();
        Logs = app.Services.GetRequiredService<FakeLogCollector>();
        Lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
    }

    public string Identity { get; }

    public Task Run { get; }

    public HttpClient Http { get; }

    public ReconcileProbe Probe { get; }

    public RuntimeMetrics Metrics { get; }

    public RuntimeHealth Health { get; }

    public FakeLogCollector Logs { get; }

    public IHostApplicationLifetime Lifetime { get; }

    /// <summary>
    /// Starts a host. With <paramref name="faults"/>, its client is built here (the runtime's rate limiting handler,
    /// then the fault injection handler) instead of by <c>AddControllerRuntime</c>, so a test can cut this host
    /// off from the API server, or only from some resources.
    /// </summary>
    public static async Task<RuntimeHost> StartAsync(
        LocalServer local,
        string identity,
        ReconcileProbe? probe = null,
        Action<ControllerRuntimeOptions>? configure = null,
        FaultInjectionHandler? faults = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Test" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Debug).AddFakeLogging();
        builder.Services.AddSingleton(probe ?? new ReconcileProbe());
        builder.Services.AddSingleton(new RuntimeMetrics(Prometheus.Metrics.NewCustomRegistry()));
        if (faults is not null)
        {
            builder.Services.AddSingleton(sp => KubernetesConnection.Create(
                local.Config(),
                new RateLimitingHandler(sp.GetRequiredService<IOptions<ControllerRuntimeOptions>>().Value.RateLimit, TimeProvider.System, sp.GetRequiredService<RuntimeMetrics>()),
                faults));
        }

        builder.Services.AddControllerRuntime(o =>
        {
            o.Kubernetes = local.Config();
            o.LeaderElection.Identity = identity;
            o.LeaderElection.LeaseNamespace = "default";
            o.LeaderElection.LeaseDuration = TimeSpan.FromSeconds(3);
            o.LeaderElection.RenewDeadline = TimeSpan.FromSeconds(2);
            o.LeaderElection.RetryPeriod = TimeSpan.FromMilliseconds(300);
            o.Events.Instance = identity;
            o.ShutdownTimeout = TimeSpan.FromSeconds(10);
            configure?.Invoke(o);
        });
        builder.Services.AddInformer<V1ConfigMap>(i => i.Namespaces = ["default"]);
        builder.Services.AddController<V1ConfigMap, ProbeReconciler>(c => c.WithName("probe").WithWorkers(4).WithRetryDelays(TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(1)));
        var app = builder.Build();
        app.MapControllerRuntimeEndpoints();
        var run = app.RunAsync();
        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await Task.WhenAny(started.Task, run).WaitAsync(TimeSpan.FromSeconds(30));
        }

        if (run.IsCompleted)
        {
            await run;
            throw new InvalidOperationException("The host stopped while starting.");
        }

        return new RuntimeHost(app, run, identity);
    }

    /// <summary>Stops the host gracefully (SIGTERM equivalent) and waits for it.</summary>
    public async Task StopAsync()
    {
        Lifetime.StopApplication();
        await Run.WaitAsync(TimeSpan.FromSeconds(60));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!Run.IsCompleted)
            {
                await StopAsync();
            }
        }
        finally
        {
            Http.Dispose();
            await app.DisposeAsync();
        }
    }
}
