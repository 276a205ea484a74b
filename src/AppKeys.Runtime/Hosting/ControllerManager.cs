using AppKeys.Runtime.Controllers;
using AppKeys.Runtime.Informers;
using AppKeys.Runtime.LeaderElection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AppKeys.Runtime.Hosting;

/// <summary>
/// The hosted service that runs everything: starts all informers (on every replica, so standbys have warm caches),
/// campaigns for the lease, and while leading waits for the caches and runs the controllers. When leadership is lost
/// it stops the application (Kubernetes restarts the pod) rather than trying to continue half-stopped. On shutdown,
/// controllers stop first (in-flight reconciles get <see cref="ControllerRuntimeOptions.ShutdownTimeout"/>), then
/// the informers and the lease is released.
/// </summary>
public sealed class ControllerManager : BackgroundService
{
    private readonly IEnumerable<IInformer> informers;
    private readonly IEnumerable<IController> controllers;
    private readonly LeaderElector? elector;
    private readonly RuntimeHealth health;
    private readonly IHostApplicationLifetime lifetime;
    private readonly ILogger<ControllerManager> logger;

    /// <summary>Creates the manager.</summary>
    public ControllerManager(
        IEnumerable<IInformer> informers,
        IEnumerable<IController> controllers,
        RuntimeHealth health,
        IHostApplicationLifetime lifetime,
        ILogger<ControllerManager> logger,
        LeaderElector? elector = null)
    {
        this.informers = informers;
        this.controllers = controllers;
        this.elector = elector;
        this.health = health;
        this.lifetime = lifetime;
        this.logger = logger;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var informerStop = new CancellationTokenSource();
        var informerTasks = informers.Select(i => Task.Run(() => i.RunAsync(informerStop.Token), CancellationToken.None)).ToList();
        health.Started();
        try
        {
            if (elector is null)
            {
                await RunControllersAsync(stoppingToken);
            }
            else
            {
                await elector.RunAsync(RunControllersAsync, OnLostLeadership, stoppingToken);
            }
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            logger.LogCritical(e, "Controller manager failed; stopping the application");
            health.Failed(e.GetType().Name);
            lifetime.StopApplication();
        }
        finally
        {
            await informerStop.CancelAsync();
            try
            {
                await Task.WhenAll(informerTasks);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "An informer failed while stopping");
            }
        }
    }

    private async Task RunControllersAsync(CancellationToken leading)
    {
        logger.LogInformation("Waiting for informer caches to sync");
        await Task.WhenAll(informers.Select(i => i.WaitForSyncAsync(leading)));
        health.SetControllersRunning(true);
        try
        {
            await Task.WhenAll(controllers.Select(c => Task.Run(() => c.RunAsync(leading), CancellationToken.None)));
        }
        finally
        {
            health.SetControllersRunning(false);
        }
    }

    private void OnLostLeadership()
    {
        // Never continue as a standby after losing the lease mid-flight: restart from a clean state.
        health.Failed("LostLeadership");
        lifetime.StopApplication();
    }
}
