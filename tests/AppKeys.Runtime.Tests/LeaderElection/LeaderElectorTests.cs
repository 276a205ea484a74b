using AppKeys.Runtime.LeaderElection;
using AppKeys.Runtime.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace AppKeys.Runtime.Tests.LeaderElection;

public sealed class LeaderElectorTests : IDisposable
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly FakeLeaseClient.Store store = new();
    private readonly CancellationTokenSource stop = new();

    public void Dispose()
    {
        stop.Cancel();
        stop.Dispose();
    }

    private (LeaderElector Elector, FakeLeaseClient Client, CandidateState State) Candidate(string identity)
    {
        var client = new FakeLeaseClient(store);
        var elector = new LeaderElector(client, new LeaderElectionOptions { Identity = identity, LeaseNamespace = "ns" }, time);
        var state = new CandidateState();
        state.Run = elector.RunAsync(
            async leading =>
            {
                Interlocked.Increment(ref state.Started);
                try
                {
                    await Task.Delay(Timeout.Infinite, leading);
                }
                finally
                {
                    Interlocked.Increment(ref state.Ended);
                }
            },
            () => Interlocked.Increment(ref state.Lost),
            stop.Token);
        return (elector, client, state);
    }

    /// <summary>Advances fake time in small steps, letting the electors' continuations run, until the condition holds.</summary>
    private async Task<TimeSpan> AdvanceUntilAsync(Func<bool> condition, string because, TimeSpan max)
    {
        var start = time.GetUtcNow();
        while (!condition())
        {
            if (time.GetUtcNow() - start > max)
            {
                Assert.Fail($"Not {because} within {max} of fake time");
            }

            time.Advance(Step);
            await Task.Delay(15);
        }

        return time.GetUtcNow() - start;
    }

    [Fact]
    public async Task Two_candidates_elect_exactly_one_leader()
    {
        var a = Candidate("a");
        var b = Candidate("b");
        await AdvanceUntilAsync(() => a.Elector.IsLeader || b.Elector.IsLeader, "elected", TimeSpan.FromSeconds(10));

        // Keep renewing for a while: leadership must not flap.
        var until = time.GetUtcNow() + TimeSpan.FromSeconds(30);
        await AdvanceUntilAsync(() => time.GetUtcNow() >= until, "30 s passed", TimeSpan.FromMinutes(1));
        Assert.True(a.Elector.IsLeader ^ b.Elector.IsLeader);
        Assert.Equal(1, a.State.Started + b.State.Started);
        Assert.Equal(0, a.State.Lost + b.State.Lost);
        var leader = a.Elector.IsLeader ? "a" : "b";
        Assert.Equal(leader, store.Lease!.Spec.HolderIdentity);
        Assert.Equal(15, store.Lease.Spec.LeaseDurationSeconds);
    }

    [Fact]
    public async Task When_the_leader_stops_renewing_it_steps_down_and_the_standby_takes_over_within_the_lease_duration()
    {
        var a = Candidate("a");
        await AdvanceUntilAsync(() => a.Elector.IsLeader, "a leads", TimeSpan.FromSeconds(10));
        var b = Candidate("b");
        await AdvanceUntilAsync(() => b.Elector.ObservedHolder == "a", "b sees a", TimeSpan.FromSeconds(10));

        a.Client.Broken = true;
        var lastRenewal = store.Lease!.Spec.RenewTime!.Value;
        await AdvanceUntilAsync(() => b.Elector.IsLeader, "b takes over", TimeSpan.FromSeconds(30));
        var takeover = time.GetUtcNow().UtcDateTime - lastRenewal;

        // B waits until the record has been unchanged for LeaseDuration on its own clock, then needs at most one
        // jittered retry period (plus the test's step).
        Assert.InRange(takeover, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(15) + TimeSpan.FromSeconds(2.4) + (2 * Step));
        Assert.Equal("b", store.Lease!.Spec.HolderIdentity);
        Assert.Equal(1, store.Lease.Spec.LeaseTransitions);

        // A gave up after the renew deadline (10 s), before B took over, and stopped its leading work.
        await AdvanceUntilAsync(() => a.State.Lost == 1 && a.State.Ended == 1, "a reports the loss", TimeSpan.FromSeconds(10));
        Assert.False(a.Elector.IsLeader);
        await a.State.Run!.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(1, b.State.Started);
    }

    [Fact]
    public async Task A_leader_that_stops_gracefully_releases_the_lease_so_the_standby_takes_over_at_once()
    {
        using var stopA = new CancellationTokenSource();
        var clientA = new FakeLeaseClient(store);
        var electorA = new LeaderElector(clientA, new LeaderElectionOptions { Identity = "a", LeaseNamespace = "ns" }, time);
        var runA = electorA.RunAsync(leading => Task.Delay(Timeout.Infinite, leading), () => { }, stopA.Token);
        await AdvanceUntilAsync(() => electorA.IsLeader, "a leads", TimeSpan.FromSeconds(10));
        var b = Candidate("b");
        await AdvanceUntilAsync(() => b.Elector.ObservedHolder == "a", "b sees a", TimeSpan.FromSeconds(10));

        await stopA.CancelAsync();
        await runA.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(string.IsNullOrEmpty(store.Lease!.Spec.HolderIdentity));
        var waited = await AdvanceUntilAsync(() => b.Elector.IsLeader, "b takes over", TimeSpan.FromSeconds(10));
        Assert.True(waited <= TimeSpan.FromSeconds(2.4) + Step, $"took {waited}");
    }

    [Fact]
    public void Rejects_timings_that_cannot_work() =>
        Assert.Throws<ArgumentException>(() => new LeaderElector(new FakeLeaseClient(store), new LeaderElectionOptions { RenewDeadline = TimeSpan.FromSeconds(20) }, time));

    private sealed class CandidateState
    {
        public int Started;
        public int Ended;
        public int Lost;

        public Task? Run { get; set; }
    }
}
