using AppKeys.Runtime.Client;
using AppKeys.Runtime.Informers;
using AppKeys.Runtime.Metrics;
using AppKeys.Runtime.Tests.TestSupport;
using k8s.Models;

namespace AppKeys.Runtime.Tests.Integration;

public sealed class InformerIntegrationTests
{
    private readonly List<string> events = [];

    private string[] Events()
    {
        lock (events)
        {
            return [.. events];
        }
    }

    private int Count(string e) => Events().Count(x => x == e);

    private static V1ConfigMap ConfigMap(string name) => new() { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" } };

    [Fact]
    public async Task Dropped_watches_resume_without_loss_or_duplicates_and_an_expired_resource_version_relists_and_reports_deletes()
    {
        await using var local = await LocalServer.StartAsync(eventWindow: 3);
        var (transport, faults) = local.Connect();
        var configMaps = new ResourceClient<V1ConfigMap>(transport);
        var metrics = new RuntimeMetrics(Prometheus.Metrics.NewCustomRegistry());
        var informer = new Informer<V1ConfigMap>(
            configMaps,
            new InformerOptions<V1ConfigMap> { Namespaces = ["default"], InitialBackoff = TimeSpan.FromMilliseconds(50), MaxBackoff = TimeSpan.FromMilliseconds(200) },
            TimeProvider.System,
            metrics);
        informer.AddHandler(e =>
        {
            lock (events)
            {
                events.Add($"{e.Type} {e.Object.Metadata.Name}");
            }
        });
        await configMaps.CreateAsync(ConfigMap("a"));
        await configMaps.CreateAsync(ConfigMap("b"));
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync(stop.Token).WaitAsync(TimeSpan.FromSeconds(20));
        await Eventually.TrueAsync(() => informer.ActiveWatchConnections == 1, "the watch is open");

        // 1. Drop the connection; a change made meanwhile arrives exactly once after the resume.
        faults.DropWatches();
        await configMaps.CreateAsync(ConfigMap("c"));
        await Eventually.TrueAsync(() => Count("Added c") == 1, "c arrives after the resume");
        await configMaps.CreateAsync(ConfigMap("d"));
        await Eventually.TrueAsync(() => Count("Added d") == 1, "d arrives on the resumed watch");
        Assert.Equal(1, metrics.Value("appkeys_informer_relists_total", "configmaps"));

        // 2. Partition the watch long enough for the server's event window to move past our resourceVersion.
        faults.PauseWatches = true;
        faults.DropWatches();
        await configMaps.DeleteAsync("b", "default");
        for (var i = 0; i < 5; i++)
        {
            await configMaps.CreateAsync(ConfigMap($"n{i}"));
        }

        faults.PauseWatches = false;
        await Eventually.TrueAsync(() => Count("Deleted b") == 1 && Count("Added n4") == 1, "the re-list reports b deleted and the new objects");
        Assert.True(metrics.Value("appkeys_informer_relists_total", "configmaps") >= 2);
        await configMaps.CreateAsync(ConfigMap("after"));
        await Eventually.TrueAsync(() => Count("Added after") == 1, "the watch works after the re-list");

        foreach (var name in new[] { "a", "c", "d", "n0", "n1", "n2", "n3", "n4", "after" })
        {
            Assert.Equal(1, Count($"Added {name}"));
        }

        Assert.Equal(
            ["a", "after", "c", "d", "n0", "n1", "n2", "n3", "n4"],
            informer.Store.List().Select(o => o.Metadata.Name).Order(StringComparer.Ordinal));
        Assert.True(informer.WatchConnectionsOpened >= 3);
        Assert.Equal(1, informer.HandlerCount);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(0, informer.ActiveWatchConnections);
    }

    [Fact]
    public async Task Quiet_watches_that_reach_the_server_timeout_are_resumed_at_once_without_relisting()
    {
        await using var local = await LocalServer.StartAsync();
        var (transport, _) = local.Connect();
        var configMaps = new ResourceClient<V1ConfigMap>(transport);
        var metrics = new RuntimeMetrics(Prometheus.Metrics.NewCustomRegistry());

        // The server ends each watch after 2-3 s (timeoutSeconds); a backoff after such a clean end would take at
        // least 5 min here, so the resumes below can only happen without one.
        var informer = new Informer<V1ConfigMap>(
            configMaps,
            new InformerOptions<V1ConfigMap> { Namespaces = ["default"], MinWatchTimeout = TimeSpan.FromSeconds(2), InitialBackoff = TimeSpan.FromMinutes(10), MaxBackoff = TimeSpan.FromMinutes(10) },
            TimeProvider.System,
            metrics);
        informer.AddHandler(e =>
        {
            lock (events)
            {
                events.Add($"{e.Type} {e.Object.Metadata.Name}");
            }
        });
        await configMaps.CreateAsync(ConfigMap("a"));
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync(stop.Token).WaitAsync(TimeSpan.FromSeconds(20));
        await Eventually.TrueAsync(() => informer.WatchConnectionsOpened >= 4, "three quiet watches time out and are resumed", seconds: 40);

        await configMaps.CreateAsync(ConfigMap("b"));
        await Eventually.TrueAsync(() => Count("Added b") == 1, "an object created after the resumes arrives");
        Assert.Equal(1, metrics.Value("appkeys_informer_relists_total", "configmaps"));
        Assert.Equal(0, metrics.Value("appkeys_informer_watch_restarts_total", "configmaps", "error"));
        Assert.True(metrics.Value("appkeys_informer_watch_restarts_total", "configmaps", "timeout") >= 3);
        Assert.Equal(["Added a", "Added b"], Events());
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(0, informer.ActiveWatchConnections);
    }
}
