using AppKeys.Runtime.Metrics;
using Prometheus;

namespace AppKeys.Operator.KeyManager;

/// <summary>Key manager metrics (docs/operator.md): requests by endpoint and result, latency, throttling. No token or secret ever is a label.</summary>
public sealed class KeyManagerMetrics
{
    private readonly Counter requests;
    private readonly Histogram duration;
    private readonly Counter reviews;

    public KeyManagerMetrics(RuntimeMetrics runtime)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        var factory = Prometheus.Metrics.WithCustomRegistry(runtime.Registry);
        requests = factory.CreateCounter("appkeys_oauth_requests_total", "Key manager requests by endpoint (token, introspect, revoke, metadata, jwks) and result (ok, active, inactive, or the OAuth error code).", "endpoint", "result");
        duration = factory.CreateHistogram("appkeys_oauth_request_duration_seconds", "Key manager request latency by endpoint.", new HistogramConfiguration
        {
            LabelNames = ["endpoint"],
            Buckets = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
        });
        reviews = factory.CreateCounter("appkeys_oauth_access_reviews_total", "TokenReview and SubjectAccessReview requests sent for introspection callers (cache misses), by kind and result.", "kind", "result");
    }

    public void Request(string endpoint, string result, TimeSpan elapsed)
    {
        requests.WithLabels(endpoint, result).Inc();
        duration.WithLabels(endpoint).Observe(elapsed.TotalSeconds);
    }

    public void Review(string kind, string result) => reviews.WithLabels(kind, result).Inc();
}
