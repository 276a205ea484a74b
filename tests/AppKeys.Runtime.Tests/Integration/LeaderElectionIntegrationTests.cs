using AppKeys.Runtime.Client;
using AppKeys.Runtime.LeaderElection;
using AppKeys.Runtime.Tests.TestSupport;
using k8s.Models;

namespace AppKeys.Runtime.Tests.Integration;

public sealed class LeaderElectionIntegrationTests
{
    [Fact]
    public async Task Two_instances_elect_one_leader_and_a_partitioned_leader_is_replaced()
    {
        await using var local = await LocalServer.StartAsync();
        using var stop = new CancellationTokenSource();
        var working = 0;
        var maxWorking = 0;
        var lost = new List<string>();

        (LeaderElector Elector, FaultInjectionHandler Faults, Task Run) Start(string identity)
        {
            var (transport, faults) = local.Connect();
            var elector = new LeaderElector(
                new ResourceClient<V1Lease>(transport),
                new LeaderElectionOptions
                {
                    Identity = identity,
                    LeaseNamespace = "default",
                    LeaseDuration = TimeSpan.FromSeconds(3),
                    RenewDeadline = TimeSpan.FromSeconds(1.5),
                    RetryPeriod = TimeSpan.FromMilliseconds(300),
                },
                TimeProvider.System);
            var run = elector.RunAsync(
                async leading =>
                {
                    // "Controllers": count how many instances run them at once.
                    var now = Interlocked.Increment(ref working);
                    lock (lost)
                    {
                        maxWorking = Math.Max(maxWorking, now);
                    }

                    try
                    {
                        await Task.Delay(Timeout.Infinite, leading);
                    }
                    finally
                    {
                        Interlocked.Decrement(ref working);
                    }
                },
                () =>
                {
                    lock (lost)
                    {
                        lost.Add(identity);
                    }
                },
                stop.Token);
            return (elector, faults, run);
        }

        var a = Start("a");
        var b = Start("b");
        await Eventually.TrueAsync(() => a.Elector.IsLeader || b.Elector.IsLeader, "someone leads");
        var (leader, standby) = a.Elector.IsLeader ? (a, b) : (b, a);
        await Eventually.TrueAsync(() => standby.Elector.ObservedHolder == leader.Elector.Identity, "the standby sees the leader");
        Assert.False(standby.Elector.IsLeader);

        leader.Faults.PauseAll = true;
        await Eventually.TrueAsync(() => standby.Elector.IsLeader, "the standby takes over");
        await Eventually.TrueAsync(() => lost.Contains(leader.Elector.Identity) && !leader.Elector.IsLeader, "the old leader steps down");
        await leader.Run.WaitAsync(TimeSpan.FromSeconds(20));

        var lease = await new ResourceClient<V1Lease>(local.Connect().Transport).GetAsync("appkeys-operator-leader", "default");
        Assert.Equal(standby.Elector.Identity, lease!.Spec.HolderIdentity);
        Assert.Equal(1, lease.Spec.LeaseTransitions);
        Assert.Equal(1, maxWorking);

        await stop.CancelAsync();
        await standby.Run.WaitAsync(TimeSpan.FromSeconds(20));
        lease = await new ResourceClient<V1Lease>(local.Connect().Transport).GetAsync("appkeys-operator-leader", "default");
        Assert.True(string.IsNullOrEmpty(lease!.Spec.HolderIdentity), "a graceful stop releases the lease");
    }
}
