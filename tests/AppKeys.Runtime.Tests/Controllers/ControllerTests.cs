using System.Collections.Concurrent;
using AppKeys.Runtime.Controllers;
using AppKeys.Runtime.Informers;
using AppKeys.Runtime.Metrics;
using AppKeys.Runtime.Queue;
using AppKeys.Runtime.Tests.TestSupport;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AppKeys.Runtime.Tests.Controllers;

public sealed class ControllerTests : IDisposable
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly FakeResourceClient client = new();
    private readonly CancellationTokenSource stopInformer = new();
    private readonly CancellationTokenSource stopController = new();
    private readonly RuntimeMetrics metrics = new(Prometheus.Metrics.NewCustomRegistry());
    private readonly Informer<V1ConfigMap> informer;
    private readonly TestReconciler reconciler = new();

    public ControllerTests()
    {
        informer = new Informer<V1ConfigMap>(client, new InformerOptions<V1ConfigMap>(), time);
    }

    public void Dispose()
    {
        stopController.Cancel();
        stopInformer.Cancel();
        stopController.Dispose();
        stopInformer.Dispose();
    }

    private async Task<(Controller<V1ConfigMap> Controller, Task Run)> StartAsync(int workers)
    {
        var services = new ServiceCollection().AddSingleton(reconciler).BuildServiceProvider();
        var controller = new Controller<V1ConfigMap>(
            "test", workers, new WorkQueueOptions { Name = "test" }, informer, services.GetRequiredService<IServiceScopeFactory>(),
            sp => sp.GetRequiredService<TestReconciler>(), [], TimeSpan.FromSeconds(30), time, metrics);
        _ = informer.RunAsync(stopInformer.Token);
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));
        var run = controller.RunAsync(stopController.Token);
        await Eventually.TrueAsync(() => controller.Queue is not null, "the controller starts");
        return (controller, run);
    }

    [Fact]
    public async Task A_key_is_never_reconciled_by_two_workers_at_once_under_a_burst_of_events()
    {
        for (var i = 0; i < 5; i++)
        {
            client.Put($"cm{i}");
        }

        reconciler.Body = async _ => { await Task.Delay(1); return ReconcileResult.Done; };
        var (controller, run) = await StartAsync(workers: 8);
        await Eventually.TrueAsync(() => client.WatchResourceVersions.Count == 1, "the watch starts");

        // Events from the watch and direct adds from many threads, all hitting the same five keys.
        var adders = Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var n = 0; n < 200; n++)
            {
                controller.Queue!.Add(new ObjectKey("ns", $"cm{n % 5}"));
                if (t == 0 && n % 10 == 0)
                {
                    client.Send(WatchEventType.Modified, FakeResourceClient.Object($"cm{n % 5}", $"{100 + n}"));
                }
            }
        })).ToArray();
        await Task.WhenAll(adders);
        await Eventually.TrueAsync(() => controller.Queue!.Count == 0 && controller.ActiveReconciles == 0, "the burst is drained");

        Assert.Equal(0, reconciler.Overlaps);
        Assert.True(reconciler.MaxConcurrentKeys > 1, "workers ran different keys in parallel");
        Assert.All(Enumerable.Range(0, 5), i => Assert.True(reconciler.Calls.GetValueOrDefault(new ObjectKey("ns", $"cm{i}")) >= 1));
        stopController.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Exceptions_are_retried_with_per_key_backoff_and_never_kill_the_worker()
    {
        client.Put("flaky");
        var failuresLeft = 3;
        reconciler.Body = request =>
        {
            if (request.Key.Name == "flaky" && Interlocked.Decrement(ref failuresLeft) >= 0)
            {
                throw new InvalidOperationException("boom");
            }

            return Task.FromResult(ReconcileResult.Done);
        };
        var (controller, run) = await StartAsync(workers: 1);
        var key = new ObjectKey("ns", "flaky");
        foreach (var expected in new[] { 5, 10, 20 })
        {
            await Eventually.TrueAsync(() => controller.Queue!.DueIn(key) is not null, $"the failure is scheduled for retry after {expected} ms");
            var attempts = reconciler.Calls.GetValueOrDefault(key);
            Assert.Equal(TimeSpan.FromMilliseconds(expected), controller.Queue!.DueIn(key));
            time.Advance(TimeSpan.FromMilliseconds(expected) - TimeSpan.FromTicks(1));
            Assert.Equal(attempts, reconciler.Calls.GetValueOrDefault(key));
            time.Advance(TimeSpan.FromTicks(1));
            await Eventually.TrueAsync(() => reconciler.Calls.GetValueOrDefault(key) == attempts + 1, "the retry runs when due");
        }

        await Eventually.TrueAsync(() => controller.ActiveReconciles == 0, "the successful attempt completes");
        Assert.Equal(0, controller.Queue!.NumRequeues(key));
        Assert.Equal(3, metrics.Value("controller_runtime_reconcile_errors_total", "test"));

        // The single worker survived the exceptions.
        controller.Queue.Add(new ObjectKey("ns", "other"));
        await Eventually.TrueAsync(() => reconciler.Calls.ContainsKey(new ObjectKey("ns", "other")), "the same worker keeps working");
        stopController.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task RequeueAfter_fires_at_the_requested_time()
    {
        client.Put("timed");
        reconciler.Body = _ => Task.FromResult(ReconcileResult.After(TimeSpan.FromMinutes(10)));
        var (controller, run) = await StartAsync(workers: 2);
        var key = new ObjectKey("ns", "timed");
        await Eventually.TrueAsync(() => controller.Queue!.DueIn(key) is not null, "the requeue is scheduled");
        Assert.Equal(1, reconciler.Calls[key]);
        Assert.Equal(TimeSpan.FromMinutes(10), controller.Queue!.DueIn(key));
        time.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(1, reconciler.Calls[key]);
        time.Advance(TimeSpan.FromMinutes(1));
        await Eventually.TrueAsync(() => reconciler.Calls[key] == 2, "the requeue fires after 10 minutes");
        stopController.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task The_reconciler_gets_a_private_copy_of_the_cached_state_or_null_after_deletion()
    {
        client.Put("x");
        var seen = new ConcurrentQueue<V1ConfigMap?>();
        reconciler.Body = request =>
        {
            seen.Enqueue(request.Object);
            if (request.Object is not null)
            {
                request.Object.Metadata.Labels = new Dictionary<string, string> { ["mutated"] = "yes" };
            }

            return Task.FromResult(ReconcileResult.Done);
        };
        var (controller, run) = await StartAsync(workers: 1);
        await Eventually.TrueAsync(() => seen.Count == 1, "the object is reconciled");
        Assert.Null(informer.Store.Get(new ObjectKey("ns", "x"))!.Metadata.Labels);
        await Eventually.TrueAsync(() => client.WatchResourceVersions.Count == 1, "the watch starts");
        client.Send(WatchEventType.Deleted, FakeResourceClient.Object("x", "9"));
        await Eventually.TrueAsync(() => seen.Count == 2, "the deletion is reconciled");
        Assert.Null(seen.Last());
        stopController.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Shutdown_lets_an_in_flight_reconcile_finish()
    {
        client.Put("slow");
        var release = new TaskCompletionSource();
        var finished = false;
        reconciler.Body = async _ =>
        {
            await release.Task;
            finished = true;
            return ReconcileResult.Done;
        };
        var (controller, run) = await StartAsync(workers: 1);
        await Eventually.TrueAsync(() => controller.ActiveReconciles == 1, "the reconcile starts");
        stopController.Cancel();
        await Task.Delay(50);
        Assert.False(run.IsCompleted);
        release.SetResult();
        await run.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(finished);
    }

    private sealed class TestReconciler : IReconciler<V1ConfigMap>
    {
        private readonly ConcurrentDictionary<ObjectKey, int> running = new();
        private int concurrentKeys;
        private int overlaps;
        private int maxConcurrentKeys;

        public Func<ReconcileRequest<V1ConfigMap>, Task<ReconcileResult>> Body { get; set; } = _ => Task.FromResult(ReconcileResult.Done);

        public ConcurrentDictionary<ObjectKey, int> Calls { get; } = new();

        public int Overlaps => Volatile.Read(ref overlaps);

        public int MaxConcurrentKeys => Volatile.Read(ref maxConcurrentKeys);

        public async Task<ReconcileResult> ReconcileAsync(ReconcileRequest<V1ConfigMap> request, CancellationToken cancellationToken)
        {
            if (running.AddOrUpdate(request.Key, 1, (_, n) => n + 1) > 1)
            {
                Interlocked.Increment(ref overlaps);
            }

            var now = Interlocked.Increment(ref concurrentKeys);
            int seen;
            while ((seen = Volatile.Read(ref maxConcurrentKeys)) < now && Interlocked.CompareExchange(ref maxConcurrentKeys, now, seen) != seen)
            {
            }

            try
            {
                return await Body(request);
            }
            finally
            {
                Interlocked.Decrement(ref concurrentKeys);
                running.AddOrUpdate(request.Key, 0, (_, n) => n - 1);
                Calls.AddOrUpdate(request.Key, 1, (_, n) => n + 1);
            }
        }
    }
}
