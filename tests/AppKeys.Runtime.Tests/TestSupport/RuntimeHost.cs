using AppKeys.Runtime.Hosting;
using AppKeys.Runtime.Metrics;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

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
    }

    public string Identity { get; }

    public Task Run { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => app.Services;

    public ReconcileProbe Probe => app.Services.GetRequiredService<ReconcileProbe>();

    public RuntimeMetrics Metrics => app.Services.GetRequiredService<RuntimeMetrics>();

    public RuntimeHealth Health => app.Services.GetRequiredService<RuntimeHealth>();

    public FakeLogCollector Logs => app.Services.GetRequiredService<FakeLogCollector>();

    public IHostApplicationLifetime Lifetime => app.Services.GetRequiredService<IHostApplicationLifetime>();

    public static async Task<RuntimeHost> StartAsync(LocalServer local, string identity, ReconcileProbe? probe = null, Action<ControllerRuntimeOptions>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Test" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Debug).AddFakeLogging();
        builder.Services.AddSingleton(probe ?? new ReconcileProbe());
        builder.Services.AddSingleton(new RuntimeMetrics(Prometheus.Metrics.NewCustomRegistry()));
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
