using System.Diagnostics;
using System.Net;
using AppKeys.Runtime.Client;
using AppKeys.Runtime.Controllers;
using AppKeys.Runtime.LeaderElection;
using AppKeys.Runtime.Tests.TestSupport;
using k8s;
using k8s.Models;
using Xunit.Abstractions;

namespace AppKeys.Runtime.Tests.Hosting;

/// <summary>
/// Two full hosts (<c>AddControllerRuntime</c>, informers, a controller, endpoints) against one local API server,
/// leader election on with short timings (lease 3 s, renew deadline 2 s, retry 300 ms) where expiry is under test,
/// a long lease (15 s) where it is not.
/// </summary>
public sealed class LeaderElectionHostingTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Annotation = "test.appkeys.io/reconciled-by";
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(3);
    private LocalServer local = null!;
    private ResourceClient<V1ConfigMap> configMaps = null!;
    private ResourceClient<V1Lease> leases = null!;
    private readonly List<RuntimeHost> hosts = [];

    public async Task InitializeAsync()
    {
        local = await LocalServer.StartAsync();
        var transport = local.Connect().Transport;
        configMaps = new ResourceClient<V1ConfigMap>(transport);
        leases = new ResourceClient<V1Lease>(transport);
    }

    public async Task DisposeAsync()
    {
        // On a failure, the hosts' election and manager logs say who led when.
        foreach (var host in hosts)
        {
            foreach (var record in host.Logs.GetSnapshot().Where(r => r.Level >= Microsoft.Extensions.Logging.LogLevel.Information && r.Category?.Contains("Controller.probe", StringComparison.Ordinal) != true))
            {
                output.WriteLine($"{record.Timestamp:HH:mm:ss.fff} {host.Identity} {record.Level} {record.Category}: {record.Message} {record.Exception?.Message}");
            }
        }

        await local.DisposeAsync();
    }

    private async Task<RuntimeHost> StartHostAsync(string identity, ReconcileProbe probe, FaultInjectionHandler? faults = null, TimeSpan? leaseDuration = null)
    {
        Action<AppKeys.Runtime.Hosting.ControllerRuntimeOptions>? configure = null;
        if (leaseDuration is { } lease)
        {
            configure = o =>
            {
                o.LeaderElection.LeaseDuration = lease;
                o.LeaderElection.RenewDeadline = lease * 2 / 3;
            };
        }

        var host = await RuntimeHost.StartAsync(local, identity, probe, configure, faults);
        hosts.Add(host);
        return host;
    }

    /// <summary>A reconciler that writes who reconciled into an annotation (idempotent: no write when already so).</summary>
    private static ReconcileProbe Writer(string identity, Func<ReconcileRequest<V1ConfigMap>, ProbeReconciler, ReconcileProbe, CancellationToken, Task>? before = null)
    {
        var probe = new ReconcileProbe();
        probe.Body = async (request, reconciler, ct) =>
        {
            if (before is not null)
            {
                await before(request, reconciler, probe, ct);
            }

            if (request.Object is null || AnnotationOf(request.Object) == identity)
            {
                return ReconcileResult.Done;
            }

            var patch = KubernetesJson.Serialize(new { metadata = new { annotations = new Dictionary<string, string> { [Annotation] = identity } } });
            await reconciler.ConfigMaps.PatchAsync(request.Key.Name, request.Key.Namespace, new ResourcePatch(patch, ResourcePatchType.MergePatch), ct);
            probe.Notes.Enqueue("wrote " + request.Key.Name);
            return ReconcileResult.Done;
        };
        return probe;
    }

    private static string? AnnotationOf(V1ConfigMap? cm) =>
        cm?.Metadata.Annotations is { } annotations && annotations.TryGetValue(Annotation, out var value) ? value : null;

    private Task<V1ConfigMap> CreateAsync(string name) => configMaps.CreateAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" } });

    private async Task<string?> WriterOfAsync(string name) => AnnotationOf(await configMaps.GetAsync(name, "default"));

    private async Task<bool> AllWrittenByAsync(string identity, params string[] names)
    {
        foreach (var name in names)
        {
            if (await WriterOfAsync(name) != identity)
            {
                return false;
            }
        }

        return true;
    }

    private async Task<string?> HolderAsync() => (await leases.GetAsync("appkeys-operator-leader", "default"))?.Spec.HolderIdentity;

    private static async Task<HttpStatusCode> StatusAsync(RuntimeHost host, string path)
    {
        using var response = await host.Http.GetAsync(new Uri(path, UriKind.Relative));
        return response.StatusCode;
    }

    private static async Task<(RuntimeHost Leader, RuntimeHost Standby)> ElectedAsync(RuntimeHost a, RuntimeHost b)
    {
        await Eventually.TrueAsync(() => a.Health.IsLeader || b.Health.IsLeader, "one host leads");
        var (leader, standby) = a.Health.IsLeader ? (a, b) : (b, a);
        await Eventually.TrueAsync(() => leader.Health.ControllersRunning, "the leader runs its controllers");
        return (leader, standby);
    }

    [Fact]
    public async Task Only_the_leader_reconciles_the_standby_is_ready_and_a_graceful_stop_hands_over_at_once()
    {
        // Nothing here is about expiry: a long lease keeps a starved leader (a loaded CI machine) from losing it
        // mid-test, and makes "taken over at once" unmistakable (without the release it would take 15 s).
        var lease = TimeSpan.FromSeconds(15);
        await using var a = await StartHostAsync("host-a", Writer("host-a"), leaseDuration: lease);
        await using var b = await StartHostAsync("host-b", Writer("host-b"), leaseDuration: lease);
        var (leader, standby) = await ElectedAsync(a, b);
        foreach (var name in new[] { "one", "two", "three" })
        {
            await CreateAsync(name);
        }

        await Eventually.TrueAsync(() => AllWrittenByAsync(leader.Identity, "one", "two", "three"), "the leader reconciles every object");
        await Eventually.TrueAsync(() => standby.Health.CachesSynced, "the standby's caches sync too");

        // Give the standby a few retry periods in which it could (wrongly) reconcile.
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.True(standby.Probe.Started == 0, $"the standby {standby.Identity} reconciled {standby.Probe.Started} times while {leader.Identity} led");
        Assert.True(!standby.Health.IsLeader && !standby.Health.ControllersRunning, $"the standby stands by: {standby.Health.Describe()}");
        Assert.True(leader.Health.IsLeader, $"the leader still leads: {leader.Health.Describe()}");
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(standby, "/readyz"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(standby, "/healthz"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(leader, "/readyz"));
        Assert.Equal(1, leader.Metrics.Value("leader_election_master_status", "appkeys-operator-leader"));
        Assert.Equal(0, standby.Metrics.Value("leader_election_master_status", "appkeys-operator-leader"));
        Assert.Equal(leader.Identity, await HolderAsync());

        // SIGTERM on the leader: it releases the lease, so the standby takes over at its next retry.
        await leader.StopAsync();
        var stopped = Stopwatch.StartNew();
        await Eventually.TrueAsync(() => standby.Health.ControllersRunning, "the standby takes over");
        output.WriteLine($"hand-over after a graceful stop: {stopped.Elapsed.TotalMilliseconds:F0} ms (lease duration {lease.TotalSeconds} s)");
        Assert.True(stopped.Elapsed < lease, $"the released lease is taken over before it could have expired (took {stopped.Elapsed})");
        Assert.Equal(standby.Identity, await HolderAsync());

        // The new leader reconciles: existing objects (from its warm cache) and new ones.
        await CreateAsync("four");
        await Eventually.TrueAsync(() => AllWrittenByAsync(standby.Identity, "one", "two", "three", "four"), "the new leader reconciles every object");
        Assert.True(leader.Health.IsHealthy, "a graceful stop is not a failure");
        Assert.True(leader.Run.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task A_leader_that_cannot_renew_cancels_its_in_flight_reconcile_at_once_writes_nothing_more_and_stops_without_a_drain()
    {
        var inFlight = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = 0;
        Func<ReconcileRequest<V1ConfigMap>, ProbeReconciler, ReconcileProbe, CancellationToken, Task> slow = async (request, reconciler, probe, ct) =>
        {
            // Only the first leader's first reconcile of "slow" hangs; the next leader's goes through.
            if (request.Key.Name == "slow" && AnnotationOf(request.Object) is null && Interlocked.Exchange(ref first, 1) == 0)
            {
                inFlight.TrySetResult();
                try
                {
                    // Far longer than the renew deadline and the 10 s shutdown timeout: only an abort ends it in time.
                    await Task.Delay(TimeSpan.FromSeconds(60), ct);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    probe.Notes.Enqueue("cancelled");
                }

                // A reconcile that ignores its cancellation and writes anyway: the fence refuses it before it is sent.
                var patch = KubernetesJson.Serialize(new { metadata = new { annotations = new Dictionary<string, string> { [Annotation] = "after-loss" } } });
                try
                {
                    await reconciler.ConfigMaps.PatchAsync(request.Key.Name, request.Key.Namespace, new ResourcePatch(patch, ResourcePatchType.MergePatch), CancellationToken.None);
                    probe.Notes.Enqueue("wrote after the loss");
                }
                catch (LeadershipLostException)
                {
                    probe.Notes.Enqueue("write refused");
                }

                ct.ThrowIfCancellationRequested();
            }
        };
        var faultsA = new FaultInjectionHandler();
        var faultsB = new FaultInjectionHandler();
        await using var a = await StartHostAsync("host-a", Writer("host-a", slow), faultsA);
        await using var b = await StartHostAsync("host-b", Writer("host-b", slow), faultsB);
        var (leader, standby) = await ElectedAsync(a, b);
        var leaderFaults = leader == a ? faultsA : faultsB;
        var healthWhenStopping = new TaskCompletionSource<HttpStatusCode>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStopping = leader.Lifetime.ApplicationStopping.Register(() =>
        {
            // Kestrel still serves while the application stops: what would the kubelet's liveness probe see?
            try
            {
                healthWhenStopping.TrySetResult(StatusAsync(leader, "/healthz").GetAwaiter().GetResult());
            }
            catch (Exception e)
            {
                healthWhenStopping.TrySetException(e);
            }
        });

        await CreateAsync("slow");
        await inFlight.Task.WaitAsync(TimeSpan.FromSeconds(20));

        // Cut the leader off from its Lease only: everything else (the in-flight write) still works.
        leaderFaults.FailWhen = request => request.RequestUri?.AbsolutePath.Contains("/leases", StringComparison.Ordinal) == true;
        var faulted = Stopwatch.StartNew();

        await leader.Run.WaitAsync(TimeSpan.FromSeconds(30));
        var stoppedAfter = faulted.Elapsed;
        output.WriteLine($"the leader stopped {stoppedAfter.TotalMilliseconds:F0} ms after its renewals started failing");
        Assert.True(leader.Run.IsCompletedSuccessfully, "the host stops cleanly (StopApplication), without an exception");

        // Renew deadline 2 s, then no drain: far sooner than the 10 s shutdown timeout a drain would have waited.
        Assert.True(stoppedAfter < TimeSpan.FromSeconds(8), $"stopped without a drain (took {stoppedAfter})");
        Assert.Equal(HttpStatusCode.InternalServerError, await healthWhenStopping.Task.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.False(leader.Health.IsHealthy);
        Assert.Contains("fault=LostLeadership", leader.Health.Describe(), StringComparison.Ordinal);
        Assert.Equal(1, leader.Probe.Cancelled);
        Assert.Equal(["cancelled", "write refused"], leader.Probe.Notes);
        Assert.NotEqual("after-loss", await WriterOfAsync("slow"));
        Assert.NotEqual(leader.Identity, await WriterOfAsync("slow"));

        await Eventually.TrueAsync(() => standby.Health.ControllersRunning, "the standby takes over");
        var handOver = faulted.Elapsed;
        output.WriteLine($"hand-over after the leader's renewals started failing: {handOver.TotalMilliseconds:F0} ms (lease duration {LeaseDuration.TotalSeconds} s)");

        // The standby waits for the lease to expire from its last observed renewal: at most one lease duration
        // after the renewals stopped, plus its retry period and scheduling slack on a busy machine.
        Assert.True(handOver < LeaseDuration + TimeSpan.FromSeconds(3), $"the standby takes over within the lease duration (took {handOver})");
        Assert.Equal(standby.Identity, await HolderAsync());
        await CreateAsync("after");
        await Eventually.TrueAsync(() => AllWrittenByAsync(standby.Identity, "slow", "after"), "the new leader reconciles, the interrupted object too");
    }

    [Fact]
    public async Task With_the_campaign_option_a_host_that_lost_the_lease_keeps_running_and_leads_again_when_it_can()
    {
        var stoppedLeading = 0;
        var faults = new FaultInjectionHandler();
        var host = await RuntimeHost.StartAsync(local, "solo", Writer("solo"), o =>
        {
            o.LeaderElection.OnLostLeadership = AppKeys.Runtime.LeaderElection.LostLeadershipAction.Campaign;
            o.LeaderElection.OnStoppedLeading = () => Interlocked.Increment(ref stoppedLeading);
        }, faults);
        hosts.Add(host);
        await using (host)
        {
            await Eventually.TrueAsync(() => host.Health.ControllersRunning, "the host leads");
            await CreateAsync("before");
            await Eventually.TrueAsync(() => AllWrittenByAsync("solo", "before"), "it reconciles");

            faults.FailWhen = request => request.RequestUri?.AbsolutePath.Contains("/leases", StringComparison.Ordinal) == true;
            await Eventually.TrueAsync(() => Volatile.Read(ref stoppedLeading) == 1, "it loses the lease");
            Assert.False(host.Run.IsCompleted, "the process keeps running");
            Assert.True(host.Health.IsHealthy, host.Health.Describe());

            faults.FailWhen = null;
            await Eventually.TrueAsync(() => host.Health.IsLeader && host.Health.ControllersRunning, "it campaigns and leads again");
            await CreateAsync("after");
            await Eventually.TrueAsync(() => AllWrittenByAsync("solo", "after"), "writes work again once it leads");
            Assert.Equal(1, Volatile.Read(ref stoppedLeading));
        }
    }
}
