using AppKeys.Runtime.Hosting;
using AppKeys.Runtime.Informers;
using Microsoft.Extensions.Time.Testing;

namespace AppKeys.Runtime.Tests.Hosting;

/// <summary>
/// <see cref="StartupMemoryTrim"/>: one collection, only after every cache has synced, at the first quiet period (or
/// the deadline), never again. The GC is replaced by counters; time is a fake clock.
/// </summary>
public sealed class StartupMemoryTrimTests
{
    private static readonly StartupMemoryTrimOptions Options = new()
    {
        QuietPeriod = TimeSpan.FromSeconds(2),
        QuietBytes = 1000,
        MaxWait = TimeSpan.FromMinutes(1),
    };

    private readonly TimerCountingTimeProvider time = new();
    private long allocated;
    private int collections;

    private StartupMemoryTrim Trim(params IInformer[] informers) =>
        new(informers, time, Options, allocatedBytes: () => Interlocked.Read(ref allocated), collect: () => Interlocked.Increment(ref collections));

    [Fact]
    public async Task Collects_once_at_the_first_quiet_period_after_every_cache_has_synced()
    {
        var applications = new FakeInformer();
        var secrets = new FakeInformer();
        var trim = Trim(applications, secrets);
        await trim.StartAsync(CancellationToken.None);

        // One cache synced, the process quiet for a long time: nothing, the other cache is still listing.
        applications.Sync();
        time.Advance(TimeSpan.FromSeconds(30));
        await AdvanceAsync(TimeSpan.Zero);
        Assert.Equal(0, collections);

        // Both synced; the first reconciles allocate more than the threshold per period: still nothing.
        secrets.Sync();
        await AdvanceAsync(TimeSpan.Zero);
        for (var i = 0; i < 5; i++)
        {
            Interlocked.Add(ref allocated, 5_000);
            await AdvanceAsync(Options.QuietPeriod);
        }

        Assert.Equal(0, collections);

        // A quiet period: one collection, and none after it whatever happens.
        Interlocked.Add(ref allocated, 10);
        await AdvanceAsync(Options.QuietPeriod);
        await trim.Trimmed.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, collections);

        // Bursts and quiet periods after it: the service has finished, no further collection.
        Assert.True(trim.ExecuteTask!.IsCompleted);
        for (var i = 0; i < 5; i++)
        {
            Interlocked.Add(ref allocated, i % 2 == 0 ? 50_000 : 0);
            time.Advance(Options.QuietPeriod);
            await AdvanceAsync(TimeSpan.Zero);
        }

        Assert.Equal(1, collections);
        await trim.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Collects_at_the_deadline_when_the_process_never_goes_quiet()
    {
        var informer = new FakeInformer();
        var trim = Trim(informer);
        await trim.StartAsync(CancellationToken.None);
        informer.Sync();
        await AdvanceAsync(TimeSpan.Zero);

        var elapsed = TimeSpan.Zero;
        while (elapsed < Options.MaxWait - Options.QuietPeriod)
        {
            Interlocked.Add(ref allocated, 1_000_000);
            await AdvanceAsync(Options.QuietPeriod);
            elapsed += Options.QuietPeriod;
            Assert.Equal(0, collections);
        }

        Interlocked.Add(ref allocated, 1_000_000);
        await AdvanceAsync(Options.QuietPeriod);
        await trim.Trimmed.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, collections);
        await trim.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Stopping_before_the_caches_sync_never_collects()
    {
        var informer = new FakeInformer();
        var trim = Trim(informer);
        await trim.StartAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(10));
        await AdvanceAsync(TimeSpan.Zero);

        await trim.StopAsync(CancellationToken.None);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => trim.Trimmed);
        Assert.Equal(0, collections);
    }

    /// <summary>
    /// Moves the clock once the service waits on a timer it has not waited on before (so each advance ends exactly one of
    /// its periods), then lets its continuation run. <see cref="TimeSpan.Zero"/> only lets pending continuations run.
    /// </summary>
    private async Task AdvanceAsync(TimeSpan by)
    {
        if (by > TimeSpan.Zero)
        {
            await time.WaitForTimerAsync(advanced + 1);
            advanced++;
            time.Advance(by);
        }

        await Task.Delay(20);
    }

    private int advanced;

    /// <summary>A fake clock that counts the timers created on it (Task.Delay creates one per wait).</summary>
    private sealed class TimerCountingTimeProvider : FakeTimeProvider
    {
        private int created;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Interlocked.Increment(ref created);
            return base.CreateTimer(callback, state, dueTime, period);
        }

        public async Task WaitForTimerAsync(int count)
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (Volatile.Read(ref created) < count)
            {
                Assert.True(DateTime.UtcNow < deadline, $"the service never waited on timer {count}");
                await Task.Delay(5);
            }
        }
    }

    private sealed class FakeInformer : IInformer
    {
        private readonly TaskCompletionSource synced = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string ResourceName => "fakes";

        public bool HasSynced => synced.Task.IsCompleted;

        public void Sync() => synced.TrySetResult();

        public Task RunAsync(CancellationToken cancellationToken) => Task.Delay(Timeout.Infinite, cancellationToken);

        public Task WaitForSyncAsync(CancellationToken cancellationToken) => synced.Task.WaitAsync(cancellationToken);
    }
}
