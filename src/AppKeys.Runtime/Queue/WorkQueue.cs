using AppKeys.Runtime.Metrics;

namespace AppKeys.Runtime.Queue;

/// <summary>
/// A deduplicating, rate-limited work queue of object keys (client-go's workqueue semantics):
/// a key is queued at most once; a key being processed is never handed to a second worker — if it is added
/// meanwhile it is queued again when <see cref="Done"/> is called; failures back off per key; delayed adds go through
/// one timer structure.
/// </summary>
public sealed class WorkQueue : IDisposable
{
    private readonly Lock gate = new();
    private readonly Queue<ObjectKey> ready = new();
    private readonly HashSet<ObjectKey> dirty = [];
    private readonly HashSet<ObjectKey> processing = [];
    private readonly Dictionary<ObjectKey, long> addedAt = [];
    private readonly SemaphoreSlim signal = new(0);
    private readonly TimeProvider timeProvider;
    private readonly RuntimeMetrics? metrics;
    private readonly DelayScheduler scheduler;
    private bool shuttingDown;

    /// <summary>Creates a queue.</summary>
    public WorkQueue(WorkQueueOptions options, TimeProvider timeProvider, RuntimeMetrics? metrics = null, IFailureRateLimiter? rateLimiter = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Name = options.Name;
        this.timeProvider = timeProvider;
        this.metrics = metrics;
        RateLimiter = rateLimiter ?? new ExponentialFailureRateLimiter(options.BaseRetryDelay, options.MaxRetryDelay);
        scheduler = new DelayScheduler(timeProvider, Add);
    }

    /// <summary>Queue name (metrics label).</summary>
    public string Name { get; }

    /// <summary>The per-key backoff policy.</summary>
    public IFailureRateLimiter RateLimiter { get; }

    /// <summary>Keys ready to be handed out.</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return ready.Count;
            }
        }
    }

    /// <summary>Keys waiting for a delayed add.</summary>
    public int DelayedCount => scheduler.Count;

    /// <summary>True after <see cref="ShutDown"/>.</summary>
    public bool IsShuttingDown
    {
        get
        {
            lock (gate)
            {
                return shuttingDown;
            }
        }
    }

    /// <summary>
    /// Time left (monotonic) until the delayed add of <paramref name="key"/> is due, if one is pending; zero when it is
    /// overdue.
    /// </summary>
    public TimeSpan? DueIn(ObjectKey key) => scheduler.DueIn(key);

    /// <summary>Entries in the delay heap (diagnostics: one per delayed key, superseded entries never linger).</summary>
    internal int DelayHeapCount => scheduler.HeapCount;

    /// <summary>Queues <paramref name="key"/> now (no-op if already queued; deferred if being processed).</summary>
    public void Add(ObjectKey key)
    {
        lock (gate)
        {
            if (shuttingDown)
            {
                return;
            }

            metrics?.QueueAdd(Name);
            if (!dirty.Add(key))
            {
                return;
            }

            addedAt[key] = timeProvider.GetTimestamp();
            if (processing.Contains(key))
            {
                return;
            }

            ready.Enqueue(key);
            metrics?.QueueDepth(Name, ready.Count);
        }

        signal.Release();
    }

    /// <summary>Queues <paramref name="key"/> after <paramref name="delay"/> (now when not positive).</summary>
    public void AddAfter(ObjectKey key, TimeSpan delay)
    {
        if (IsShuttingDown)
        {
            return;
        }

        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }

        scheduler.Schedule(key, delay);
    }

    /// <summary>Queues <paramref name="key"/> after its per-key backoff (one more failure).</summary>
    public void AddRateLimited(ObjectKey key)
    {
        metrics?.QueueRetry(Name);
        AddAfter(key, RateLimiter.When(key));
    }

    /// <summary>Resets the backoff of <paramref name="key"/> (call after a successful reconcile).</summary>
    public void Forget(ObjectKey key) => RateLimiter.Forget(key);

    /// <summary>Failures remembered for <paramref name="key"/>.</summary>
    public int NumRequeues(ObjectKey key) => RateLimiter.NumRequeues(key);

    /// <summary>
    /// Waits for the next key and marks it as processing; the caller must call <see cref="Done"/>.
    /// Returns null once the queue is shut down.
    /// </summary>
    public async ValueTask<ObjectKey?> GetAsync(CancellationToken cancellationToken)
    {
        await signal.WaitAsync(cancellationToken);
        lock (gate)
        {
            if (shuttingDown || ready.Count == 0)
            {
                // Wake the next waiter so that every worker sees the shutdown.
                signal.Release();
                return null;
            }

            var key = ready.Dequeue();
            processing.Add(key);
            dirty.Remove(key);
            if (addedAt.Remove(key, out var since))
            {
                metrics?.QueueLatency(Name, timeProvider.GetElapsedTime(since));
            }

            metrics?.QueueDepth(Name, ready.Count);
            return key;
        }
    }

    /// <summary>Marks <paramref name="key"/> as no longer processing; re-queues it if it was added meanwhile.</summary>
    public void Done(ObjectKey key)
    {
        lock (gate)
        {
            processing.Remove(key);
            if (!dirty.Contains(key) || shuttingDown)
            {
                return;
            }

            ready.Enqueue(key);
            metrics?.QueueDepth(Name, ready.Count);
        }

        signal.Release();
    }

    /// <summary>Stops handing out keys: waiting and future <see cref="GetAsync"/> calls return null.</summary>
    public void ShutDown()
    {
        lock (gate)
        {
            if (shuttingDown)
            {
                return;
            }

            shuttingDown = true;
        }

        scheduler.Dispose();
        signal.Release();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        ShutDown();
        signal.Dispose();
    }
}
