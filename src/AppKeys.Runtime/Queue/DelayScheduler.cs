namespace AppKeys.Runtime.Queue;

/// <summary>
/// Delayed adds through one structure: an indexed binary min-heap of due times and a single timer of the injected
/// <see cref="TimeProvider"/> armed for the earliest entry (never a task or timer per item). Due times are monotonic
/// timestamps (<see cref="TimeProvider.GetTimestamp"/>, as Go's workqueue uses monotonic time), so a wall-clock step
/// (NTP, a VM resumed) neither delays nor hastens a scheduled key. A key scheduled twice keeps its earliest due time
/// (client-go's <c>AddAfter</c>); an earlier due time moves the key's one heap entry, so the heap holds exactly one
/// entry per scheduled key and nothing superseded is left behind.
/// </summary>
internal sealed class DelayScheduler : IDisposable
{
    private readonly TimeProvider timeProvider;
    private readonly Action<ObjectKey> onDue;
    private readonly Lock gate = new();
    private readonly List<(ObjectKey Key, long Due)> heap = [];
    private readonly Dictionary<ObjectKey, int> positions = [];
    private readonly ITimer timer;
    private long? armedFor;
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
                return positions.Count;
            }
        }
    }

    /// <summary>Entries in the heap (diagnostics: always equals <see cref="Count"/>).</summary>
    internal int HeapCount
    {
        get
        {
            lock (gate)
            {
                return heap.Count;
            }
        }
    }

    /// <summary>Time left until <paramref name="key"/> is due (zero when overdue), if scheduled.</summary>
    public TimeSpan? DueIn(ObjectKey key)
    {
        lock (gate)
        {
            if (!positions.TryGetValue(key, out var i))
            {
                return null;
            }

            var left = Until(heap[i].Due);
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
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

            var when = timeProvider.GetTimestamp() + ToTicks(delay);
            if (positions.TryGetValue(key, out var i))
            {
                if (heap[i].Due <= when)
                {
                    return;
                }

                // An earlier due time supersedes the entry in place: no stale entry stays behind.
                heap[i] = (key, when);
                Up(i);
            }
            else
            {
                heap.Add((key, when));
                positions[key] = heap.Count - 1;
                Up(heap.Count - 1);
            }

            ArmLocked();
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            disposed = true;
            heap.Clear();
            positions.Clear();
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
            var now = timeProvider.GetTimestamp();
            while (heap.Count > 0 && heap[0].Due <= now)
            {
                (ready ??= []).Add(PopLocked());
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
        if (heap.Count == 0)
        {
            return;
        }

        var next = heap[0].Due;
        if (armedFor is { } armed && armed <= next)
        {
            return;
        }

        armedFor = next;
        var delay = Until(next);
        timer.Change(delay > TimeSpan.Zero ? delay : TimeSpan.FromTicks(1), Timeout.InfiniteTimeSpan);
    }

    private TimeSpan Until(long due)
    {
        var now = timeProvider.GetTimestamp();
        return due <= now ? TimeSpan.Zero : timeProvider.GetElapsedTime(now, due);
    }

    // Exact integer conversion (a double would round 5 ms down by one timestamp tick); capped far from overflow.
    private long ToTicks(TimeSpan delay) =>
        (long)Int128.Min((Int128)delay.Ticks * timeProvider.TimestampFrequency / TimeSpan.TicksPerSecond, long.MaxValue / 4);

    private ObjectKey PopLocked()
    {
        var top = heap[0].Key;
        var last = heap.Count - 1;
        Swap(0, last);
        heap.RemoveAt(last);
        positions.Remove(top);
        if (heap.Count > 0)
        {
            Down(0);
        }

        return top;
    }

    private void Up(int i)
    {
        while (i > 0)
        {
            var parent = (i - 1) / 2;
            if (heap[parent].Due <= heap[i].Due)
            {
                return;
            }

            Swap(i, parent);
            i = parent;
        }
    }

    private void Down(int i)
    {
        while (true)
        {
            var smallest = i;
            foreach (var child in (ReadOnlySpan<int>)[(2 * i) + 1, (2 * i) + 2])
            {
                if (child < heap.Count && heap[child].Due < heap[smallest].Due)
                {
                    smallest = child;
                }
            }

            if (smallest == i)
            {
                return;
            }

            Swap(i, smallest);
            i = smallest;
        }
    }

    private void Swap(int a, int b)
    {
        (heap[a], heap[b]) = (heap[b], heap[a]);
        positions[heap[a].Key] = a;
        positions[heap[b].Key] = b;
    }
}
