namespace AppKeys.Runtime.Queue;

/// <summary>
/// Delayed adds through one structure: a priority queue ordered by due time and a single timer of the injected
/// <see cref="TimeProvider"/> armed for the earliest entry (never a task or timer per item). A key scheduled twice
/// keeps its earliest due time.
/// </summary>
internal sealed class DelayScheduler : IDisposable
{
    private readonly TimeProvider timeProvider;
    private readonly Action<ObjectKey> onDue;
    private readonly Lock gate = new();
    private readonly PriorityQueue<ObjectKey, DateTimeOffset> heap = new();
    private readonly Dictionary<ObjectKey, DateTimeOffset> due = [];
    private readonly ITimer timer;
    private DateTimeOffset? armedFor;
    private bool disposed;

    public DelayScheduler(TimeProvider timeProvider, Action<ObjectKey> onDue)
    {
        this.timeProvider = timeProvider;
        this.onDue = onDue;
        timer = timeProvider.CreateTimer(static state => ((DelayScheduler)state!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Keys waiting for their time (one per key).</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return due.Count;
            }
        }
    }

    /// <summary>Due time of <paramref name="key"/>, if scheduled.</summary>
    public DateTimeOffset? DueTime(ObjectKey key)
    {
        lock (gate)
        {
            return due.TryGetValue(key, out var when) ? when : null;
        }
    }

    /// <summary>Schedules <paramref name="key"/> after <paramref name="delay"/> (&gt; 0).</summary>
    public void Schedule(ObjectKey key, TimeSpan delay)
    {
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            var when = timeProvider.GetUtcNow() + delay;
            if (due.TryGetValue(key, out var existing) && existing <= when)
            {
                return;
            }

            // An earlier entry supersedes the old one; the stale heap entry is skipped when popped.
            due[key] = when;
            heap.Enqueue(key, when);
            ArmLocked();
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            disposed = true;
            heap.Clear();
            due.Clear();
        }

        timer.Dispose();
    }

    private void Fire()
    {
        List<ObjectKey>? ready = null;
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            armedFor = null;
            var now = timeProvider.GetUtcNow();
            while (heap.TryPeek(out var key, out var when) && when <= now)
            {
                heap.Dequeue();
                if (due.TryGetValue(key, out var current) && current == when)
                {
                    due.Remove(key);
                    (ready ??= []).Add(key);
                }
            }

            ArmLocked();
        }

        if (ready is not null)
        {
            foreach (var key in ready)
            {
                onDue(key);
            }
        }
    }

    private void ArmLocked()
    {
        // Drop stale entries at the top so the timer is armed for a live one.
        while (heap.TryPeek(out var key, out var when) && (!due.TryGetValue(key, out var current) || current != when))
        {
            heap.Dequeue();
        }

        if (!heap.TryPeek(out _, out var next))
        {
            return;
        }

        if (armedFor is { } armed && armed <= next)
        {
            return;
        }

        armedFor = next;
        var delay = next - timeProvider.GetUtcNow();
        timer.Change(delay > TimeSpan.Zero ? delay : TimeSpan.FromTicks(1), Timeout.InfiniteTimeSpan);
    }
}
