using AppKeys.Runtime.Controllers;
using AppKeys.Runtime.Informers;
using AppKeys.Runtime.LeaderElection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AppKeys.Runtime.Hosting;

/// <summary>
/// The hosted service that runs everything: starts all informers (on every replica, so standbys have warm caches),
/// campaigns for the lease, and while leading waits for the caches and runs the controllers. When leadership is lost,
/// in-flight reconciles are cancelled at once (no drain: a new leader may already be writing) and, by default, the
/// application stops (Kubernetes restarts the pod; <see cref="LeaderElectionOptions.OnLostLeadership"/> can make it
/// campaign again instead). On a voluntary shutdown, controllers stop first (in-flight reconciles get
/// <see cref="ControllerRuntimeOptions.ShutdownTimeout"/>), then the informers, and the lease is released.
/// </summary>
public sealed class ControllerManager : BackgroundService
{
    private readonly IEnumerable<IInformer> informers;
    private readonly IEnumerable<IController> controllers;
    private readonly LeaderElector? elector;
    private readonly RuntimeHealth health;
    private readonly IHostApplicationLifetime lifetime;
    private readonly ILogger<ControllerManager> logger;
    private readonly LeaderElectionOptions leaderElection;

    /// <summary>Creates the manager.</summary>
    public ControllerManager(
        IEnumerable<IInformer> informers,
        IEnumerable<IController> controllers,
        RuntimeHealth health,
        IHostApplicationLifetime lifetime,
        ILogger<ControllerManager> logger,
        LeaderElector? elector = null,
        LeaderElectionOptions? leaderElection = null)
    {
        this.leaderElection = leaderElection ?? new LeaderElectionOptions();
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
                await RunControllersAsync(stoppingToken, CancellationToken.None);
            }
            else
            {
                var campaignAgain = true;
                while (campaignAgain && !stoppingToken.IsCancellationRequested)
                {
                    var lost = false;
                    await elector.RunAsync(
                        (leading, lostLease) => RunControllersAsync(leading, lostLease),
                        () =>
                        {
                            lost = true;
                            OnLostLeadership();
                        },
                        stoppingToken);
                    campaignAgain = lost && leaderElection.OnLostLeadership == LostLeadershipAction.Campaign;
                }
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

    private async Task RunControllersAsync(CancellationToken leading, CancellationToken lost)
    {
        logger.LogInformation("Waiting for informer caches to sync");
        await Task.WhenAll(informers.Select(i => i.WaitForSyncAsync(leading)));
        health.SetControllersRunning(true);
        try
        {
            await Task.WhenAll(controllers.Select(c => Task.Run(() => c.RunAsync(leading, lost), CancellationToken.None)));
        }
        finally
        {
            health.SetControllersRunning(false);
        }
    }

    private void OnLostLeadership()
    {
        leaderElection.OnStoppedLeading?.Invoke();
        if (leaderElection.OnLostLeadership == LostLeadershipAction.Campaign)
        {
            logger.LogWarning("Lost leadership: in-flight reconciles cancelled; campaigning again");
            return;
        }

        // Never continue as a standby after losing the lease mid-flight: restart from a clean state, without a drain.
        health.Failed("LostLeadership");
        lifetime.StopApplication();
    }
}
