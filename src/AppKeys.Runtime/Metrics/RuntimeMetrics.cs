using Prometheus;

namespace AppKeys.Runtime.Metrics;

/// <summary>
/// The runtime's Prometheus metrics (names follow client-go / controller-runtime so that existing dashboards apply;
/// see docs/runtime.md). One instance per registry; the default registry is what <c>/metrics</c> serves.
/// </summary>
public sealed class RuntimeMetrics
{
    private static readonly double[] DurationBuckets = Histogram.ExponentialBuckets(0.001, 2, 20);

    private readonly Gauge depth;
    private readonly Counter adds;
    private readonly Counter retries;
    private readonly Histogram queueDuration;
    private readonly Histogram workDuration;
    private readonly Counter reconciles;
    private readonly Counter reconcileErrors;
    private readonly Gauge activeWorkers;
    private readonly Counter watchEvents;
    private readonly Counter watchRestarts;
    private readonly Counter relists;
    private readonly Gauge storeObjects;
    private readonly Gauge leader;
    private readonly Counter restRequests;
    private readonly Counter restRetries;
    private readonly Histogram rateLimiterWait;
    private readonly Counter eventsDropped;
    private readonly Lock sourcesGate = new();
    private volatile IScrapeTimeMetrics[] scrapeTimeSources = [];

    /// <summary>Creates the metrics in <paramref name="registry"/> (null: the prometheus-net default registry).</summary>
    public RuntimeMetrics(CollectorRegistry? registry = null)
    {
        Registry = registry ?? Prometheus.Metrics.DefaultRegistry;
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        depth = factory.CreateGauge("workqueue_depth", "Current depth of the work queue.", "name");
        adds = factory.CreateCounter("workqueue_adds_total", "Total number of adds handled by the work queue.", "name");
        retries = factory.CreateCounter("workqueue_retries_total", "Total number of rate-limited re-adds (retries) handled by the work queue.", "name");
        queueDuration = factory.CreateHistogram("workqueue_queue_duration_seconds", "How long an item stays in the work queue before being processed.",
            new HistogramConfiguration { LabelNames = ["name"], Buckets = DurationBuckets });
        workDuration = factory.CreateHistogram("workqueue_work_duration_seconds", "How long processing an item from the work queue takes.",
            new HistogramConfiguration { LabelNames = ["name"], Buckets = DurationBuckets });
        reconciles = factory.CreateCounter("controller_runtime_reconcile_total", "Total number of reconciliations per controller and result.", "controller", "result");
        reconcileErrors = factory.CreateCounter("controller_runtime_reconcile_errors_total", "Total number of reconciliation errors per controller.", "controller");
        activeWorkers = factory.CreateGauge("controller_runtime_active_workers", "Number of workers currently reconciling, per controller.", "controller");
        watchEvents = factory.CreateCounter("appkeys_informer_watch_events_total", "Watch events received per resource and type.", "resource", "type");
        watchRestarts = factory.CreateCounter("appkeys_informer_watch_restarts_total", "Watch connections (re)started per resource and reason.", "resource", "reason");
        relists = factory.CreateCounter("appkeys_informer_relists_total", "Full lists per resource (initial, 410 Expired, errors).", "resource");
        storeObjects = factory.CreateGauge("appkeys_informer_store_objects", "Objects held in the informer cache per resource.", "resource");
        leader = factory.CreateGauge("leader_election_master_status", "1 while this process holds the lease, else 0.", "name");
        restRequests = factory.CreateCounter("rest_client_requests_total", "HTTP requests to the API server by method and status code.", "method", "code");
        restRetries = factory.CreateCounter("rest_client_retries_total", "Requests retried after 429 Too Many Requests.");
        rateLimiterWait = factory.CreateHistogram("rest_client_rate_limiter_duration_seconds", "Time requests waited for the client-side rate limiter.",
            new HistogramConfiguration { Buckets = DurationBuckets });
        eventsDropped = factory.CreateCounter("appkeys_events_dropped_total", "Events not written: queue full, spam filter, or the write failed.", "reason");
    }

    /// <summary>The registry these metrics live in.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>
    /// Adds families computed at every scrape (<see cref="IScrapeTimeMetrics"/>), written after the registry's by
    /// <see cref="ExportAsync"/> and so on <c>/metrics</c>.
    /// </summary>
    public void AddScrapeTimeMetrics(IScrapeTimeMetrics source)
    {
        ArgumentNullException.ThrowIfNull(source);
        lock (sourcesGate)
        {
            scrapeTimeSources = [.. scrapeTimeSources, source];
        }
    }

    /// <summary>
    /// The whole exposition, as <c>/metrics</c> serves it: the registry's families, then those of the
    /// <see cref="IScrapeTimeMetrics"/> sources, then (OpenMetrics) <c># EOF</c>. prometheus-net cannot take families
    /// it does not hold as children, so its output is buffered (it is small: the runtime's own families, no per-object
    /// series) and its <c># EOF</c> moved after the sources'.
    /// </summary>
    public async Task ExportAsync(Stream to, ExpositionFormat format = ExpositionFormat.PrometheusText, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(to);
        using var registryText = new MemoryStream();
        await Registry.CollectAndExportAsTextAsync(registryText, format, cancellationToken);
        var text = registryText.GetBuffer().AsMemory(0, (int)registryText.Length);
        if (format == ExpositionFormat.OpenMetricsText && text.Span.EndsWith(Eof))
        {
            text = text[..^Eof.Length];
        }

        await to.WriteAsync(text, cancellationToken);
        using (var writer = new MetricsTextWriter(to, format, FamilyNames(text.Span), cancellationToken))
        {
            foreach (var source in scrapeTimeSources)
            {
                await source.WriteAsync(writer, cancellationToken);
            }

            await writer.FlushAsync();
        }

        if (format == ExpositionFormat.OpenMetricsText)
        {
            await to.WriteAsync(Eof.ToArray(), cancellationToken);
        }
    }

    private static ReadOnlySpan<byte> Eof => "# EOF\n"u8;

    /// <summary>The names on the <c># TYPE</c> lines of prometheus-net's output (each family has one).</summary>
    private static List<string> FamilyNames(ReadOnlySpan<byte> text)
    {
        var names = new List<string>();
        var type = "# TYPE "u8;
        foreach (var range in text.Split((byte)'\n'))
        {
            var line = text[range];
            if (line.StartsWith(type))
            {
                var rest = line[type.Length..];
                var end = rest.IndexOf((byte)' ');
                names.Add(System.Text.Encoding.ASCII.GetString(end < 0 ? rest : rest[..end]));
            }
        }

        return names;
    }

    internal void QueueDepth(string queue, int value) => depth.WithLabels(queue).Set(value);

    internal void QueueAdd(string queue) => adds.WithLabels(queue).Inc();

    internal void QueueRetry(string queue) => retries.WithLabels(queue).Inc();

    internal void QueueLatency(string queue, TimeSpan value) => queueDuration.WithLabels(queue).Observe(value.TotalSeconds);

    internal void WorkDuration(string queue, TimeSpan value) => workDuration.WithLabels(queue).Observe(value.TotalSeconds);

    internal void Reconciled(string controller, string result) => reconciles.WithLabels(controller, result).Inc();

    internal void ReconcileError(string controller) => reconcileErrors.WithLabels(controller).Inc();

    internal void ActiveWorkers(string controller, int delta) => activeWorkers.WithLabels(controller).Inc(delta);

    internal void WatchEvent(string resource, string type) => watchEvents.WithLabels(resource, type).Inc();

    internal void WatchRestart(string resource, string reason) => watchRestarts.WithLabels(resource, reason).Inc();

    internal void Relist(string resource) => relists.WithLabels(resource).Inc();

    internal void StoreObjects(string resource, int count) => storeObjects.WithLabels(resource).Set(count);

    internal void Leader(string name, bool leading) => leader.WithLabels(name).Set(leading ? 1 : 0);

    internal void RestRequest(string method, int code) => restRequests.WithLabels(method, code.ToString(System.Globalization.CultureInfo.InvariantCulture)).Inc();

    internal void RestRetry() => restRetries.Inc();

    internal void RateLimiterWait(TimeSpan wait) => rateLimiterWait.Observe(wait.TotalSeconds);

    internal void EventDropped(string reason) => eventsDropped.WithLabels(reason).Inc();

    /// <summary>Reads a counter or gauge value (for tests and diagnostics); 0 when never set.</summary>
    public double Value(string metric, params string[] labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return metric switch
        {
            "workqueue_depth" => depth.WithLabels(labels).Value,
            "workqueue_adds_total" => adds.WithLabels(labels).Value,
            "workqueue_retries_total" => retries.WithLabels(labels).Value,
            "controller_runtime_reconcile_total" => reconciles.WithLabels(labels).Value,
            "controller_runtime_reconcile_errors_total" => reconcileErrors.WithLabels(labels).Value,
            "appkeys_informer_watch_restarts_total" => watchRestarts.WithLabels(labels).Value,
            "appkeys_informer_relists_total" => relists.WithLabels(labels).Value,
            "appkeys_informer_store_objects" => storeObjects.WithLabels(labels).Value,
            "leader_election_master_status" => leader.WithLabels(labels).Value,
            "appkeys_events_dropped_total" => eventsDropped.WithLabels(labels).Value,
            _ => throw new ArgumentException($"Unknown metric {metric}.", nameof(metric)),
        };
    }
}
