using AppKeys.Runtime.Client;
using AppKeys.Runtime.Informers;
using AppKeys.Runtime.LeaderElection;
using AppKeys.Runtime.Metrics;
using AppKeys.Runtime.Queue;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AppKeys.Runtime.Controllers;

/// <summary>
/// Runs reconciles of one kind: informer events (and mapped events of other kinds) only enqueue keys; workers take a
/// key (never two workers on one key), re-read the current state from the cache, call the reconciler in a fresh DI
/// scope with the key in the logging scope, and then forget the key's backoff (success), schedule it (RequeueAfter)
/// or re-add it with backoff (exception, 409 Conflict or Retry). An exception never ends a worker.
/// </summary>
/// <typeparam name="T">The controller's kind.</typeparam>
public sealed class Controller<T> : IController
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly IInformer<T> informer;
    private readonly IServiceScopeFactory scopeFactory;
    private readonly Func<IServiceProvider, IReconciler<T>> reconcilerFactory;
    private readonly IReadOnlyList<Func<Action<ObjectKey>, IDisposable>> sources;
    private readonly int workers;
    private readonly TimeSpan shutdownTimeout;
    private readonly TimeProvider timeProvider;
    private readonly RuntimeMetrics? metrics;
    private readonly ILogger logger;
    private readonly WorkQueueOptions queueOptions;
    private int activeReconciles;

    /// <summary>Creates a controller (normally done by <c>AddController</c>).</summary>
    public Controller(
        string name,
        int workers,
        WorkQueueOptions queueOptions,
        IInformer<T> informer,
        IServiceScopeFactory scopeFactory,
        Func<IServiceProvider, IReconciler<T>> reconcilerFactory,
        IReadOnlyList<Func<Action<ObjectKey>, IDisposable>> sources,
        TimeSpan shutdownTimeout,
        TimeProvider timeProvider,
        RuntimeMetrics? metrics = null,
        ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        ArgumentNullException.ThrowIfNull(queueOptions);
        ArgumentNullException.ThrowIfNull(informer);
        ArgumentNullException.ThrowIfNull(scopeFactory);
        ArgumentNullException.ThrowIfNull(reconcilerFactory);
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Name = name;
        this.workers = workers;
        this.queueOptions = queueOptions;
        this.informer = informer;
        this.scopeFactory = scopeFactory;
        this.reconcilerFactory = reconcilerFactory;
        this.sources = sources;
        this.shutdownTimeout = shutdownTimeout;
        this.timeProvider = timeProvider;
        this.metrics = metrics;
        this.logger = logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The queue of the current run (null when not running); exposed for tests and diagnostics.</summary>
    public WorkQueue? Queue { get; private set; }

    /// <summary>Reconciles running right now.</summary>
    public int ActiveReconciles => Volatile.Read(ref activeReconciles);

    /// <inheritdoc />
    public async Task RunAsync(CancellationToken stoppingToken, CancellationToken abortToken = default)
    {
        using var queue = new WorkQueue(queueOptions, timeProvider, metrics);

        // Every reconcile gets this token: cancelled at once by abortToken (lost leadership), or after the drain.
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(abortToken);
        Queue = queue;
        var subscriptions = new List<IDisposable>();
        try
        {
            subscriptions.Add(informer.AddHandler(e => queue.Add(ObjectKey.From(e.Object))));
            foreach (var source in sources)
            {
                subscriptions.Add(source(queue.Add));
            }

            var running = Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(() => WorkerAsync(queue, abort.Token), CancellationToken.None)));
            logger.LogInformation("Controller {Controller} started with {Workers} workers", Name, workers);
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, timeProvider, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                // Stopping.
            }

            foreach (var subscription in subscriptions)
            {
                subscription.Dispose();
            }

            subscriptions.Clear();
            queue.ShutDown();
            if (abortToken.IsCancellationRequested)
            {
                logger.LogWarning("Controller {Controller}: aborted; in-flight reconciles were cancelled without a drain", Name);
                await running;
                return;
            }

            using var grace = new CancellationTokenSource();
            var finishedInTime = await Task.WhenAny(running, Task.Delay(shutdownTimeout, timeProvider, grace.Token)) == running;
            grace.Cancel();
            if (!finishedInTime)
            {
                logger.LogWarning("Controller {Controller}: reconciles still running after {Timeout}; cancelling them", Name, shutdownTimeout);
                await abort.CancelAsync();
            }

            await running;
            logger.LogInformation("Controller {Controller} stopped", Name);
        }
        finally
        {
            foreach (var subscription in subscriptions)
            {
                subscription.Dispose();
            }

            Queue = null;
        }
    }

    private async Task WorkerAsync(WorkQueue queue, CancellationToken abort)
    {
        while (await queue.GetAsync(CancellationToken.None) is { } key)
        {
            Interlocked.Increment(ref activeReconciles);
            metrics?.ActiveWorkers(Name, 1);
            var started = timeProvider.GetTimestamp();
            using var logScope = logger.BeginScope(new Dictionary<string, object> { ["Controller"] = Name, ["ObjectKey"] = key.ToString() });
            try
            {
                // The store copies on read: the request's object is the reconcile's own.
                var request = new ReconcileRequest<T>(key, informer.Store.Get(key));
                await using var scope = scopeFactory.CreateAsyncScope();
                var result = await reconcilerFactory(scope.ServiceProvider).ReconcileAsync(request, abort);
                if (result.Backoff)
                {
                    queue.AddRateLimited(key);
                    metrics?.Reconciled(Name, "requeue");
                }
                else
                {
                    queue.Forget(key);
                    if (result.RequeueAfter is { } after)
                    {
                        queue.AddAfter(key, after);
                        metrics?.Reconciled(Name, "requeue_after");
                    }
                    else
                    {
                        metrics?.Reconciled(Name, "success");
                    }
                }
            }
            catch (OperationCanceledException) when (abort.IsCancellationRequested)
            {
                logger.LogWarning("Reconcile of {ObjectKey} cancelled by shutdown", key);
            }
            catch (LeadershipLostException)
            {
                // A write refused by the fence: the reconcile is being aborted anyway.
                logger.LogWarning("Reconcile of {ObjectKey} stopped: leadership lost", key);
            }
            catch (KubernetesApiException e) when (e.IsConflict)
            {
                // Someone else wrote first: re-read and try again; routine, not an error.
                logger.LogDebug("Reconcile of {ObjectKey} hit a conflict; requeued", key);
                metrics?.Reconciled(Name, "conflict");
                queue.AddRateLimited(key);
            }
            catch (Exception e)
            {
                logger.LogError(e, "Reconcile of {ObjectKey} failed (attempt {Attempt}); retrying with backoff", key, queue.NumRequeues(key) + 1);
                metrics?.Reconciled(Name, "error");
                metrics?.ReconcileError(Name);
                queue.AddRateLimited(key);
            }
            finally
            {
                queue.Done(key);
                metrics?.WorkDuration(queue.Name, timeProvider.GetElapsedTime(started));
                metrics?.ActiveWorkers(Name, -1);
                Interlocked.Decrement(ref activeReconciles);
            }
        }
    }
}
