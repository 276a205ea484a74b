using System.Net;
using System.Text.RegularExpressions;
using AppKeys.LocalApiServer.Faults;
using AppKeys.Runtime.Client;
using AppKeys.Runtime.Controllers;
using AppKeys.Runtime.Events;
using AppKeys.Runtime.Tests.TestSupport;
using k8s.Models;

namespace AppKeys.Runtime.Tests.Hosting;

public sealed partial class EndpointsTests : IAsyncLifetime
{
    private const string SecretValue = "s3cr3t-value-that-must-not-leak";
    private LocalServer local = null!;
    private ResourceClient<V1ConfigMap> configMaps = null!;

    public async Task InitializeAsync()
    {
        local = await LocalServer.StartAsync();
        configMaps = new ResourceClient<V1ConfigMap>(local.Connect().Transport);
    }

    public async Task DisposeAsync() => await local.DisposeAsync();

    private Task<V1ConfigMap> CreateAsync(string name) => configMaps.CreateAsync(new V1ConfigMap
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
        Data = new Dictionary<string, string> { ["value"] = SecretValue },
    });

    private static async Task<(HttpStatusCode Code, string Body)> GetAsync(RuntimeHost host, string path)
    {
        using var response = await host.Http.GetAsync(new Uri(path, UriKind.Relative));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Readyz_waits_for_the_caches_while_healthz_is_live()
    {
        // The ConfigMap list fails until the rule is removed, so the cache cannot sync.
        var listFails = local.Server.Faults.Add(new FaultRule { Kind = FaultKind.ServiceUnavailable, Verbs = ["list"], Resources = ["configmaps"] });
        await using var host = await RuntimeHost.StartAsync(local, "solo");

        await Eventually.TrueAsync(() => host.Health.IsLeader, "the only replica leads");
        var (code, body) = await GetAsync(host, "/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, code);
        Assert.Contains("informer configmaps: synced=False", body, StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.OK, "ok\n"), await GetAsync(host, "/healthz"));
        Assert.Equal(0, host.Probe.Started);

        listFails.Dispose();
        await CreateAsync("a");
        await Eventually.TrueAsync(async () => (await GetAsync(host, "/readyz")).Code == HttpStatusCode.OK, "the replica becomes ready once the cache syncs");
        (code, body) = await GetAsync(host, "/readyz");
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Contains("informer configmaps: synced=True", body, StringComparison.Ordinal);
        Assert.Contains("leader=True", body, StringComparison.Ordinal);
        await Eventually.TrueAsync(() => host.Probe.Completed >= 1, "the controller reconciles after the sync");
    }

    [Fact]
    public async Task Metrics_expose_queue_controller_informer_client_and_leader_families_with_bounded_labels()
    {
        var probe = new ReconcileProbe();
        var failedOnce = new HashSet<string>();
        probe.Body = (request, _, _) =>
        {
            // First attempt of every key fails (a retry), later ones succeed.
            lock (failedOnce)
            {
                if (failedOnce.Add(request.Key.Name))
                {
                    throw new InvalidOperationException("transient failure");
                }
            }

            return Task.FromResult(ReconcileResult.Done);
        };
        await using var host = await RuntimeHost.StartAsync(local, "solo", probe);
        var names = new[] { "customer-alpha-keys", "customer-beta-keys", "customer-gamma-keys" };
        var uids = new List<string>();
        foreach (var name in names)
        {
            uids.Add((await CreateAsync(name)).Metadata.Uid);
        }

        await Eventually.TrueAsync(() => probe.Completed >= names.Length, "every object is reconciled after its retry");
        var (code, body) = await GetAsync(host, "/metrics");
        Assert.Equal(HttpStatusCode.OK, code);

        foreach (var family in new[]
        {
            "workqueue_depth", "workqueue_adds_total", "workqueue_retries_total", "workqueue_queue_duration_seconds_bucket",
            "workqueue_work_duration_seconds_bucket", "controller_runtime_reconcile_total", "controller_runtime_reconcile_errors_total",
            "controller_runtime_active_workers", "appkeys_informer_watch_events_total", "appkeys_informer_watch_restarts_total",
            "appkeys_informer_relists_total", "appkeys_informer_store_objects", "leader_election_master_status",
            "rest_client_requests_total", "rest_client_rate_limiter_duration_seconds_bucket",
        })
        {
            Assert.Contains("\n" + family + "{", "\n" + body, StringComparison.Ordinal);
        }

        Assert.Equal(names.Length, Sample(body, "workqueue_retries_total", "name=\"probe\""));
        Assert.True(Sample(body, "workqueue_adds_total", "name=\"probe\"") >= 2 * names.Length);
        Assert.Equal(names.Length, Sample(body, "controller_runtime_reconcile_errors_total", "controller=\"probe\""));
        Assert.True(Sample(body, "controller_runtime_reconcile_total", "controller=\"probe\",result=\"success\"") >= names.Length);
        Assert.True(Sample(body, "workqueue_work_duration_seconds_count", "name=\"probe\"") >= 2 * names.Length);
        Assert.True(Sample(body, "workqueue_queue_duration_seconds_count", "name=\"probe\"") >= 2 * names.Length);
        Assert.Equal(names.Length, Sample(body, "appkeys_informer_store_objects", "resource=\"configmaps\""));
        Assert.Equal(1, Sample(body, "leader_election_master_status", "name=\"appkeys-operator-leader\""));
        Assert.True(Sample(body, "rest_client_requests_total", "method=\"GET\",code=\"200\"") >= 1);

        // Labels: a fixed, small set of names whose values never identify an object (no names, uids or data).
        var allowed = new HashSet<string>(StringComparer.Ordinal) { "name", "controller", "result", "resource", "type", "reason", "method", "code", "le" };
        foreach (Match sample in SampleLine().Matches(body))
        {
            var metric = sample.Groups["metric"].Value;
            if (!metric.StartsWith("workqueue_", StringComparison.Ordinal) && !metric.StartsWith("controller_runtime_", StringComparison.Ordinal) &&
                !metric.StartsWith("appkeys_", StringComparison.Ordinal) && !metric.StartsWith("rest_client_", StringComparison.Ordinal) &&
                !metric.StartsWith("leader_election_", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (Match label in LabelName().Matches(sample.Groups["labels"].Value))
            {
                Assert.Contains(label.Groups[1].Value, allowed);
            }
        }

        foreach (var text in names.Concat(uids).Append(SecretValue))
        {
            Assert.DoesNotContain(text, body, StringComparison.Ordinal);
        }

        // The formats prometheus-net's middleware negotiated: text 0.0.4 by default, OpenMetrics when asked for.
        using (var text = await host.Http.GetAsync(new Uri("/metrics", UriKind.Relative)))
        {
            Assert.Equal("text/plain; version=0.0.4; charset=utf-8", text.Content.Headers.ContentType?.ToString());
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/metrics", UriKind.Relative));
        request.Headers.Accept.ParseAdd("application/openmetrics-text; version=1.0.0");
        using var open = await host.Http.SendAsync(request);
        Assert.Equal("application/openmetrics-text; version=1.0.0; charset=utf-8", open.Content.Headers.ContentType?.ToString());
        var openBody = await open.Content.ReadAsStringAsync();
        Assert.EndsWith("\n# EOF\n", openBody, StringComparison.Ordinal);
        Assert.Contains("# TYPE controller_runtime_reconcile counter", openBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_event_api_never_fails_a_reconcile()
    {
        var probe = new ReconcileProbe();
        probe.Body = async (request, reconciler, ct) =>
        {
            await reconciler.Events.RecordAsync(request.Object!, EventTypes.Normal, "Reconciled", "Reconciled the object", ct);
            return ReconcileResult.Done;
        };
        using var eventsFail = local.Server.Faults.Add(new FaultRule { Kind = FaultKind.InternalError, Resources = ["events"] });
        await using var host = await RuntimeHost.StartAsync(local, "solo", probe);
        await CreateAsync("a");
        await CreateAsync("b");

        await Eventually.TrueAsync(() => probe.Completed >= 2, "both objects are reconciled");
        await Eventually.TrueAsync(() => local.Server.Faults.Counts.GetValueOrDefault(FaultKind.InternalError) >= 2, "the event writes (in the background) failed");
        Assert.Equal(2, host.Metrics.Value("controller_runtime_reconcile_total", "probe", "success"));
        Assert.Equal(0, host.Metrics.Value("controller_runtime_reconcile_errors_total", "probe"));
        Assert.Equal(0, host.Metrics.Value("workqueue_retries_total", "probe"));
        await Eventually.TrueAsync(() => host.Logs.GetSnapshot().Any(r => r.Category == typeof(EventRecorder).FullName && r.Level == Microsoft.Extensions.Logging.LogLevel.Warning), "the failure is logged");
    }

    /// <summary>The value of one sample line whose label set is exactly <paramref name="labels"/> (labels in declaration order, as prometheus-net writes them).</summary>
    private static double Sample(string body, string metric, string labels)
    {
        var line = body.Split('\n').FirstOrDefault(l => l.StartsWith($"{metric}{{{labels}}} ", StringComparison.Ordinal));
        Assert.True(line is not null, $"no sample {metric}{{{labels}}} in /metrics");
        return double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^(?<metric>[a-zA-Z_:][a-zA-Z0-9_:]*)\{(?<labels>[^}]*)\} ", RegexOptions.Multiline)]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""")]
    private static partial Regex LabelName();
}
