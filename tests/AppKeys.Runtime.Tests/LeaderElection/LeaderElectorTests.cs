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
    public async Task Losing_the_lease_cancels_in_flight_work_at_that_instant_fences_writes_and_reports_without_waiting_for_the_work()
    {
        var client = new FakeLeaseClient(store);
        var fence = new LeadershipFence();
        var elector = new LeaderElector(client, new LeaderElectionOptions { Identity = "a", LeaseNamespace = "ns" }, time, fence: fence);
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        DateTimeOffset? cancelledAt = null;
        DateTimeOffset? stoppedLeadingAt = null;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = elector.RunAsync(
            async (stopping, lost) =>
            {
                // An in-flight reconcile: blocked until its token is cancelled.
                using var registration = lost.Register(() =>
                {
                    cancelledAt = time.GetUtcNow();
                    log.Enqueue($"cancelled leader={elector.IsLeader} writes={fence.WritesAllowed} stopping={stopping.IsCancellationRequested}");
                });
                try
                {
                    await Task.Delay(Timeout.Infinite, lost);
                }
                catch (OperationCanceledException)
                {
                    // Slow to wind down: the elector must report the loss without waiting for this.
                    await release.Task;
                    log.Enqueue("work ended");
                }
            },
            () =>
            {
                stoppedLeadingAt = time.GetUtcNow();
                log.Enqueue("stopped leading");
            },
            stop.Token);
        await AdvanceUntilAsync(() => elector.IsLeader, "a leads", TimeSpan.FromSeconds(10));
        Assert.True(fence.WritesAllowed);

        client.Broken = true;
        await AdvanceUntilAsync(() => stoppedLeadingAt is not null, "a gives up", TimeSpan.FromSeconds(20));
        Assert.False(run.IsCompleted);
        release.SetResult();
        await run.WaitAsync(TimeSpan.FromSeconds(20));

        // Cancelled at the very instant of the loss (no fake time passed), before anything else was reported, with
        // writes already fenced; onStoppedLeading did not wait for the work.
        Assert.Equal(stoppedLeadingAt, cancelledAt);
        Assert.Equal(["cancelled leader=False writes=False stopping=False", "stopped leading", "work ended"], log);
        Assert.False(fence.WritesAllowed);
        Assert.Throws<LeadershipLostException>(() => fence.ThrowIfFenced(HttpMethod.Patch, "/api/v1/namespaces/ns/configmaps/x"));
        Assert.Throws<LeadershipLostException>(() => fence.ThrowIfFenced(HttpMethod.Post, "/api/v1/namespaces/ns/events"));
        fence.ThrowIfFenced(HttpMethod.Get, "/api/v1/namespaces/ns/configmaps/x");
        fence.ThrowIfFenced(HttpMethod.Put, "/apis/coordination.k8s.io/v1/namespaces/ns/leases/appkeys-operator-leader");
        fence.ThrowIfFenced(HttpMethod.Put, "apis/coordination.k8s.io/v1/namespaces/ns/leases/appkeys-operator-leader");
        Assert.Throws<LeadershipLostException>(() => fence.ThrowIfFenced(HttpMethod.Put, "api/v1/namespaces/ns/configmaps/coordination.k8s.io"));

        // The lease is not released after a loss (it was not ours to release any more).
        Assert.Equal("a", store.Lease!.Spec.HolderIdentity);
    }

    [Fact]
    public async Task Expiry_is_judged_with_the_holders_lease_duration_not_the_local_option()
    {
        // Another replica holds the lease with a 60 s duration; ours is configured with 15 s.
        store.Lease = new k8s.Models.V1Lease
        {
            Metadata = new k8s.Models.V1ObjectMeta { Name = "appkeys-operator-leader", NamespaceProperty = "ns", ResourceVersion = "1" },
            Spec = new k8s.Models.V1LeaseSpec { HolderIdentity = "other", LeaseDurationSeconds = 60, RenewTime = time.GetUtcNow().UtcDateTime, AcquireTime = time.GetUtcNow().UtcDateTime },
        };
        store.Version = 1;
        var b = Candidate("b");
        await AdvanceUntilAsync(() => b.Elector.ObservedHolder == "other", "b sees the holder", TimeSpan.FromSeconds(10));
        var seen = time.GetUtcNow();
        await AdvanceUntilAsync(() => time.GetUtcNow() - seen >= TimeSpan.FromSeconds(58), "58 s passed", TimeSpan.FromMinutes(2));
        Assert.False(b.Elector.IsLeader);
        var waited = await AdvanceUntilAsync(() => b.Elector.IsLeader, "b takes over", TimeSpan.FromSeconds(10)) + TimeSpan.FromSeconds(58);
        Assert.InRange(waited, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(60) + TimeSpan.FromSeconds(2.4) + (2 * Step));
        Assert.Equal(15, store.Lease!.Spec.LeaseDurationSeconds);
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
