using AppKeys.Runtime.Metrics;
using AppKeys.Runtime.Queue;
using Microsoft.Extensions.Time.Testing;

namespace AppKeys.Runtime.Tests.Queue;

public class WorkQueueTests
{
    private static readonly ObjectKey A = new("ns", "a");
    private static readonly ObjectKey B = new("ns", "b");
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly RuntimeMetrics metrics = new(Prometheus.Metrics.NewCustomRegistry());

    private WorkQueue NewQueue() => new(new WorkQueueOptions { Name = "test" }, time, metrics);

    [Fact]
    public async Task Deduplicates_queued_keys()
    {
        using var queue = NewQueue();
        queue.Add(A);
        queue.Add(A);
        queue.Add(B);
        Assert.Equal(2, queue.Count);
        Assert.Equal(A, await queue.GetAsync(CancellationToken.None));
        Assert.Equal(B, await queue.GetAsync(CancellationToken.None));
        Assert.Equal(3, metrics.Value("workqueue_adds_total", "test"));
    }

    [Fact]
    public async Task A_key_added_while_processing_is_handed_out_again_only_after_done()
    {
        using var queue = NewQueue();
        queue.Add(A);
        var key = await queue.GetAsync(CancellationToken.None);
        queue.Add(A);
        queue.Add(A);
        Assert.Equal(0, queue.Count);
        queue.Done(key!.Value);
        Assert.Equal(1, queue.Count);
        Assert.Equal(A, await queue.GetAsync(CancellationToken.None));
        queue.Done(A);
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task AddAfter_fires_at_the_due_time_and_keeps_the_earliest()
    {
        using var queue = NewQueue();
        queue.AddAfter(A, TimeSpan.FromMinutes(10));
        queue.AddAfter(A, TimeSpan.FromMinutes(5));
        queue.AddAfter(A, TimeSpan.FromMinutes(20));
        queue.AddAfter(B, TimeSpan.FromMinutes(7));
        Assert.Equal(TimeSpan.FromMinutes(5), queue.DueIn(A));
        Assert.Equal(2, queue.DelayHeapCount);
        time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromTicks(1));
        Assert.Equal(0, queue.Count);
        time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(1, queue.Count);
        Assert.Equal(A, await queue.GetAsync(CancellationToken.None));
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(B, await queue.GetAsync(CancellationToken.None));

        // The superseded 10- and 20-minute entries of A must not fire.
        queue.Done(A);
        time.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(0, queue.Count);
        Assert.Equal(0, queue.DelayedCount);
        Assert.Equal(0, queue.DelayHeapCount);
    }

    [Fact]
    public void An_earlier_due_time_replaces_the_heap_entry_instead_of_adding_one()
    {
        using var queue = NewQueue();
        for (var i = 0; i < 100; i++)
        {
            // Each re-add is earlier than the last: with lazy deletion the heap would hold 100 entries per key.
            queue.AddAfter(A, TimeSpan.FromMinutes(200 - i));
            queue.AddAfter(B, TimeSpan.FromMinutes(300 - i));
            queue.AddAfter(A, TimeSpan.FromMinutes(500));
        }

        Assert.Equal(2, queue.DelayedCount);
        Assert.Equal(2, queue.DelayHeapCount);
        Assert.Equal(TimeSpan.FromMinutes(101), queue.DueIn(A));
        time.Advance(TimeSpan.FromMinutes(101));
        Assert.Equal(1, queue.Count);
        Assert.Equal(1, queue.DelayHeapCount);
        time.Advance(TimeSpan.FromMinutes(100));
        Assert.Equal(2, queue.Count);
        Assert.Equal(0, queue.DelayHeapCount);
    }

    [Fact]
    public void A_wall_clock_step_back_does_not_delay_a_scheduled_key()
    {
        // NTP steps the wall clock back an hour right after the key was scheduled; monotonic time keeps going.
        var stepped = new SteppingTimeProvider(time);
        using var queue = new WorkQueue(new WorkQueueOptions { Name = "test" }, stepped, metrics);
        queue.AddAfter(A, TimeSpan.FromMinutes(5));
        stepped.WallClockOffset = TimeSpan.FromHours(-1);
        time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromTicks(1));
        Assert.Equal(0, queue.Count);
        time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public void A_wall_clock_step_forward_does_not_hasten_a_scheduled_key()
    {
        var stepped = new SteppingTimeProvider(time);
        using var queue = new WorkQueue(new WorkQueueOptions { Name = "test" }, stepped, metrics);
        queue.AddAfter(A, TimeSpan.FromMinutes(5));
        stepped.WallClockOffset = TimeSpan.FromHours(1);
        time.Advance(TimeSpan.FromMinutes(1));
        queue.AddAfter(B, TimeSpan.FromMinutes(1));
        Assert.Equal(0, queue.Count);
        Assert.Equal(TimeSpan.FromMinutes(4), queue.DueIn(A));
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, queue.Count);
    }

    /// <summary>Monotonic time and timers from a fake clock whose wall clock can be stepped independently.</summary>
    private sealed class SteppingTimeProvider(FakeTimeProvider inner) : TimeProvider
    {
        public TimeSpan WallClockOffset { get; set; }

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow() + WallClockOffset;

        public override long GetTimestamp() => inner.GetTimestamp();

        public override long TimestampFrequency => inner.TimestampFrequency;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            inner.CreateTimer(callback, state, dueTime, period);
    }

    [Fact]
    public void Many_delayed_keys_fire_in_due_order()
    {
        using var queue = NewQueue();
        for (var i = 100; i > 0; i--)
        {
            queue.AddAfter(new ObjectKey("ns", $"k{i}"), TimeSpan.FromSeconds(i));
        }

        for (var i = 1; i <= 100; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(i, queue.Count);
        }
    }

    [Fact]
    public async Task Rate_limited_adds_back_off_exponentially_per_key()
    {
        using var queue = NewQueue();
        queue.AddRateLimited(A);
        Assert.Equal(TimeSpan.FromMilliseconds(5), queue.DueIn(A));
        time.Advance(TimeSpan.FromMilliseconds(5));
        Assert.Equal(A, await queue.GetAsync(CancellationToken.None));
        queue.AddRateLimited(A);
        queue.Done(A);
        Assert.Equal(TimeSpan.FromMilliseconds(10), queue.DueIn(A));
        Assert.Equal(2, queue.NumRequeues(A));
        queue.Forget(A);
        Assert.Equal(0, queue.NumRequeues(A));
        Assert.Equal(2, metrics.Value("workqueue_retries_total", "test"));
    }

    [Fact]
    public async Task Shutdown_releases_every_waiting_worker()
    {
        using var queue = NewQueue();
        var waiters = Enumerable.Range(0, 4).Select(_ => queue.GetAsync(CancellationToken.None).AsTask()).ToArray();
        queue.ShutDown();
        var results = await Task.WhenAll(waiters).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.All(results, r => Assert.Null(r));
        queue.Add(A);
        Assert.Null(await queue.GetAsync(CancellationToken.None));
    }
}
