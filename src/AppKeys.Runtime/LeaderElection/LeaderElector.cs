using System.Net;
using AppKeys.Runtime.Client;
using AppKeys.Runtime.Metrics;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AppKeys.Runtime.LeaderElection;

/// <summary>
/// A small Lease-based leader elector on client-go's semantics: GET the Lease, create it on 404, take it over only
/// when its record has not changed for <see cref="LeaderElectionOptions.LeaseDuration"/> as observed on the local
/// clock (immune to clock skew), write with the cached resourceVersion (409 = someone else won); the leader renews
/// every <see cref="LeaderElectionOptions.RetryPeriod"/> and gives up when it could not renew within
/// <see cref="LeaderElectionOptions.RenewDeadline"/>. All waiting uses the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed class LeaderElector
{
    private readonly IResourceClient<V1Lease> leases;
    private readonly LeaderElectionOptions options;
    private readonly TimeProvider timeProvider;
    private readonly RuntimeMetrics? metrics;
    private readonly ILogger logger;
    private readonly LeadershipFence? fence;
    private V1Lease? observed;
    private string? observedRecord;
    private long observedAt;
    private volatile bool isLeader;
    private volatile bool running;

    /// <summary>Creates the elector.</summary>
    public LeaderElector(IResourceClient<V1Lease> leases, LeaderElectionOptions options, TimeProvider timeProvider, RuntimeMetrics? metrics = null, ILogger<LeaderElector>? logger = null, LeadershipFence? fence = null)
    {
        ArgumentNullException.ThrowIfNull(leases);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (options.RenewDeadline >= options.LeaseDuration || options.RetryPeriod >= options.RenewDeadline)
        {
            throw new ArgumentException("Leader election needs RetryPeriod < RenewDeadline < LeaseDuration.", nameof(options));
        }

        this.leases = leases;
        this.options = options;
        this.timeProvider = timeProvider;
        this.metrics = metrics;
        this.logger = logger ?? NullLogger<LeaderElector>.Instance;
        this.fence = fence;
        Identity = options.Identity ?? DefaultIdentity();
        Namespace = options.LeaseNamespace ?? DefaultNamespace();
    }

    /// <summary>This process's holder identity.</summary>
    public string Identity { get; }

    /// <summary>Namespace of the Lease.</summary>
    public string Namespace { get; }

    /// <summary>True while this process holds the lease.</summary>
    public bool IsLeader => isLeader;

    /// <summary>True while <c>RunAsync</c> runs (leading or standing by).</summary>
    public bool IsRunning => running;

    /// <summary>The holder identity last seen on the Lease.</summary>
    public string? ObservedHolder => observed?.Spec?.HolderIdentity;

    /// <summary>
    /// Campaigns until elected, then runs <paramref name="onStartedLeading"/> with a token that is cancelled when
    /// leadership is lost or <paramref name="cancellationToken"/> is cancelled, and waits for it to return. Calls
    /// <paramref name="onStoppedLeading"/> when leadership was lost (not when stopping); returns after either.
    /// </summary>
    public Task RunAsync(Func<CancellationToken, Task> onStartedLeading, Action onStoppedLeading, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onStartedLeading);
        return RunAsync((stopping, _) => onStartedLeading(stopping), onStoppedLeading, cancellationToken);
    }

    /// <summary>
    /// Campaigns until elected, then runs <paramref name="onStartedLeading"/> with two tokens: <c>stopping</c>,
    /// cancelled when leadership ends for any reason (stop taking work), and <c>lost</c>, cancelled the instant
    /// leadership is lost (abort in-flight work now: a new leader may already be writing). On a loss the fence closes
    /// and <c>lost</c> is cancelled before <c>stopping</c>, then <paramref name="onStoppedLeading"/> is called at once,
    /// without waiting for the work (client-go); the work is awaited afterwards. On a voluntary stop the work is
    /// awaited (it may drain) and the lease released.
    /// </summary>
    public async Task RunAsync(Func<CancellationToken, CancellationToken, Task> onStartedLeading, Action onStoppedLeading, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onStartedLeading);
        ArgumentNullException.ThrowIfNull(onStoppedLeading);
        running = true;
        try
        {
            if (!await AcquireAsync(cancellationToken))
            {
                return;
            }

            SetLeader(true);
            fence?.Open();
            logger.LogInformation("Became leader ({Identity}) of lease {Namespace}/{Lease}", Identity, Namespace, options.LeaseName);
            using var leading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var lostLease = new CancellationTokenSource();
            var work = Task.Run(() => onStartedLeading(leading.Token, lostLease.Token), CancellationToken.None);
            var lost = await RenewLoopAsync(work, cancellationToken);
            if (lost)
            {
                // No drain: fence writes, abort in-flight work and report, all before waiting for anything.
                SetLeader(false);
                fence?.Close();
                await lostLease.CancelAsync();
                await leading.CancelAsync();
                logger.LogError("Lost leadership of lease {Namespace}/{Lease}; in-flight work cancelled", Namespace, options.LeaseName);
                onStoppedLeading();
                await AwaitWorkAsync(work);
                return;
            }

            await leading.CancelAsync();
            await AwaitWorkAsync(work);
            SetLeader(false);
            if (options.ReleaseOnCancel)
            {
                await ReleaseAsync();
            }

            // Released (or left to expire) on a stop: a standby may lead from now on.
            fence?.Close();
        }
        finally
        {
            SetLeader(false);
            running = false;
        }
    }

    private static async Task AwaitWorkAsync(Task work)
    {
        try
        {
            await work;
        }
        catch (OperationCanceledException)
        {
            // The leading work stops by cancellation.
        }
    }

    /// <summary>One acquire-or-renew attempt; true when this process holds the lease afterwards.</summary>
    internal async Task<bool> TryAcquireOrRenewAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow().UtcDateTime;
        var lease = await leases.GetAsync(options.LeaseName, Namespace, cancellationToken);
        if (lease is null)
        {
            var created = new V1Lease
            {
                Metadata = new V1ObjectMeta { Name = options.LeaseName, NamespaceProperty = Namespace },
                Spec = new V1LeaseSpec
                {
                    HolderIdentity = Identity,
                    LeaseDurationSeconds = (int)Math.Ceiling(options.LeaseDuration.TotalSeconds),
                    AcquireTime = now,
                    RenewTime = now,
                    LeaseTransitions = 0,
                },
            };
            try
            {
                Observe(await leases.CreateAsync(created, cancellationToken));
                return true;
            }
            catch (KubernetesApiException e) when (e.StatusCode == HttpStatusCode.Conflict)
            {
                return false;
            }
        }

        Observe(lease);
        lease.Spec ??= new V1LeaseSpec();
        var holder = lease.Spec.HolderIdentity;
        var heldByOther = !string.IsNullOrEmpty(holder) && holder != Identity;
        // Expiry is judged with the holder's own leaseDurationSeconds (it may run with other options than ours), timed
        // on our monotonic clock from when we saw the record change.
        var holderDuration = lease.Spec.LeaseDurationSeconds is > 0 and var seconds ? TimeSpan.FromSeconds(seconds) : options.LeaseDuration;
        if (heldByOther && timeProvider.GetElapsedTime(observedAt) < holderDuration)
        {
            return false;
        }

        if (holder != Identity)
        {
            lease.Spec.AcquireTime = now;
            lease.Spec.LeaseTransitions = (lease.Spec.LeaseTransitions ?? 0) + 1;
        }

        lease.Spec.HolderIdentity = Identity;
        lease.Spec.RenewTime = now;
        lease.Spec.LeaseDurationSeconds = (int)Math.Ceiling(options.LeaseDuration.TotalSeconds);
        try
        {
            // The resourceVersion of the read makes this a compare-and-swap: 409 means another candidate won.
            Observe(await leases.ReplaceAsync(lease, cancellationToken));
            return true;
        }
        catch (KubernetesApiException e) when (e.IsConflict)
        {
            return false;
        }
    }

    private async Task<bool> AcquireAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (await TryAcquireOrRenewAsync(cancellationToken))
                {
                    return true;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return false;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Could not read or write lease {Namespace}/{Lease}", Namespace, options.LeaseName);
            }

            try
            {
                // client-go's JitterUntil with factor 1.2.
#pragma warning disable CA5394, RS0030 // retry jitter (client-go's JitterUntil), not a secret
                await Task.Delay(options.RetryPeriod * (1 + (0.2 * Random.Shared.NextDouble())), timeProvider, cancellationToken);
#pragma warning restore CA5394, RS0030
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>Renews until the deadline is missed (returns true: lost) or cancellation/end of work (false).</summary>
    private async Task<bool> RenewLoopAsync(Task work, CancellationToken cancellationToken)
    {
        var lastRenew = timeProvider.GetTimestamp();
        while (!cancellationToken.IsCancellationRequested && !work.IsCompleted)
        {
            try
            {
                await Task.WhenAny(work, Task.Delay(options.RetryPeriod, timeProvider, cancellationToken));
            }
            catch (OperationCanceledException)
            {
                return false;
            }

            if (cancellationToken.IsCancellationRequested || work.IsCompleted)
            {
                return false;
            }

            var renewed = false;
            try
            {
                using var attempt = new CancellationTokenSource(options.RenewDeadline, timeProvider);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, attempt.Token);
                renewed = await TryAcquireOrRenewAsync(linked.Token);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return false;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Renewing lease {Namespace}/{Lease} failed", Namespace, options.LeaseName);
            }

            if (renewed)
            {
                lastRenew = timeProvider.GetTimestamp();
            }
            else if (timeProvider.GetElapsedTime(lastRenew) >= options.RenewDeadline)
            {
                return true;
            }
        }

        return false;
    }

    private async Task ReleaseAsync()
    {
        try
        {
            if (observed?.Spec?.HolderIdentity != Identity)
            {
                return;
            }

            using var timeout = new CancellationTokenSource(options.RenewDeadline, timeProvider);
            observed.Spec.HolderIdentity = null;
            observed.Spec.LeaseDurationSeconds = 1;
            observed.Spec.RenewTime = timeProvider.GetUtcNow().UtcDateTime;
            await leases.ReplaceAsync(observed, timeout.Token);
            logger.LogInformation("Released lease {Namespace}/{Lease}", Namespace, options.LeaseName);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not release lease {Namespace}/{Lease}; a standby takes over after it expires", Namespace, options.LeaseName);
        }
    }

    private void Observe(V1Lease lease)
    {
        // Track when the record last changed on *our* clock; the holder's clock is never trusted.
        var record = $"{lease.Spec?.HolderIdentity}|{lease.Spec?.RenewTime:O}|{lease.Spec?.AcquireTime:O}|{lease.Spec?.LeaseTransitions}";
        if (record != observedRecord)
        {
            observedRecord = record;
            observedAt = timeProvider.GetTimestamp();
        }

        observed = lease;
    }

    private void SetLeader(bool value)
    {
        isLeader = value;
        metrics?.Leader(options.LeaseName, value);
    }

    private static string DefaultIdentity()
    {
        var name = Environment.GetEnvironmentVariable("POD_NAME");
        return string.IsNullOrEmpty(name)
            ? $"{Environment.MachineName}_{Guid.NewGuid():N}"[..Math.Min(63, Environment.MachineName.Length + 33)]
            : name;
    }

    private static string DefaultNamespace()
    {
        var ns = Environment.GetEnvironmentVariable("POD_NAMESPACE");
        if (!string.IsNullOrEmpty(ns))
        {
            return ns;
        }

        const string file = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";
        return File.Exists(file) ? File.ReadAllText(file).Trim() : "default";
    }
}
