using System.Text;
using AppKeys.Operator.Apis;
using AppKeys.Operator.Metrics;
using AppKeys.Operator.Signing;
using AppKeys.Runtime;
using AppKeys.Runtime.Informers;
using AppKeys.Runtime.Metrics;
using k8s.Models;
using Prometheus;

namespace AppKeys.Operator.Tests.Metrics;

/// <summary>The per-key gauges, computed from the ApplicationKey cache at scrape time.</summary>
public class ApplicationKeyStateMetricsTests
{
    private static readonly DateTime Expires = new(2026, 12, 7, 10, 0, 0, DateTimeKind.Utc);     // 1796637600
    private static readonly DateTime Renews = new(2026, 12, 7, 9, 40, 0, 900, DateTimeKind.Utc); // 1796636400.9: whole seconds, as before

    private readonly ObjectStore<V1Alpha1ApplicationKey> store = new();
    private bool leading = true;

    private static V1Alpha1ApplicationKey Key(string ns, string name, string? ready, DateTime? expires = null, DateTime? renews = null, bool status = true, bool deleting = false) => new()
    {
        ApiVersion = "appkeys.io/v1alpha1",
        Kind = "ApplicationKey",
        Metadata = new V1ObjectMeta { NamespaceProperty = ns, Name = name, Uid = $"uid-{name}", DeletionTimestamp = deleting ? Expires : null },
        Spec = new V1Alpha1ApplicationKeySpec { ApplicationRef = new V1Alpha1ApplicationReference { Name = "app" } },
        Status = !status ? null! : new V1Alpha1ApplicationKeyStatus
        {
            TokenId = "tok-" + name,
            ExpiresAt = expires,
            RenewalTime = renews,
            Conditions = ready is null ? null :
            [
                new V1Condition { Type = "Issued", Status = "True", Reason = "Issued", Message = "m", LastTransitionTime = Expires },
                new V1Condition { Type = "Ready", Status = ready, Reason = ready == "True" ? "TokenIssued" : "SecretConflict", Message = "m", LastTransitionTime = Expires },
            ],
        },
    };

    private RuntimeMetrics Metrics()
    {
        var metrics = new RuntimeMetrics(Prometheus.Metrics.NewCustomRegistry());
        metrics.AddScrapeTimeMetrics(new ApplicationKeyStateMetrics(store, () => leading));
        return metrics;
    }

    private static async Task<string> ScrapeAsync(RuntimeMetrics metrics, ExpositionFormat format = ExpositionFormat.PrometheusText)
    {
        using var buffer = new MemoryStream();
        await metrics.ExportAsync(buffer, format);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The sample lines of the three families, sorted.</summary>
    private static string[] Samples(string text) =>
        [.. text.Split('\n').Where(l => l.StartsWith("appkeys_token_expiration_timestamp_seconds{", StringComparison.Ordinal)
            || l.StartsWith("appkeys_token_renewal_timestamp_seconds{", StringComparison.Ordinal)
            || l.StartsWith("appkeys_applicationkey_ready_status{", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Series_come_from_each_cached_keys_status()
    {
        store.Upsert(Key("shop", "ready", "True", Expires, Renews));
        store.Upsert(Key("shop", "forever", "True"));                                  // never expires: no expiry, no renewal
        store.Upsert(Key("billing", "conflict", "False", Expires, Renews));
        store.Upsert(Key("billing", "no-conditions", null));
        store.Upsert(Key("shop", "no-status", null, status: false));                   // never reconciled: no series
        store.Upsert(Key("shop", "deleting", "True", Expires, Renews, deleting: true)); // being deleted: no series
        // As the cache holds it: a JSON round trip of what the API server returned.
        store.Upsert(KubernetesObjects.Clone(Key("shop", "from-json", "True", Expires, Renews)));

        var metrics = Metrics();
        Assert.Equal(
            [
                "appkeys_applicationkey_ready_status{namespace=\"billing\",name=\"conflict\"} 0",
                "appkeys_applicationkey_ready_status{namespace=\"billing\",name=\"no-conditions\"} 0",
                "appkeys_applicationkey_ready_status{namespace=\"shop\",name=\"forever\"} 1",
                "appkeys_applicationkey_ready_status{namespace=\"shop\",name=\"from-json\"} 1",
                "appkeys_applicationkey_ready_status{namespace=\"shop\",name=\"ready\"} 1",
                "appkeys_token_expiration_timestamp_seconds{namespace=\"billing\",name=\"conflict\"} 1796637600",
                "appkeys_token_expiration_timestamp_seconds{namespace=\"shop\",name=\"from-json\"} 1796637600",
                "appkeys_token_expiration_timestamp_seconds{namespace=\"shop\",name=\"ready\"} 1796637600",
                "appkeys_token_renewal_timestamp_seconds{namespace=\"billing\",name=\"conflict\"} 1796636400",
                "appkeys_token_renewal_timestamp_seconds{namespace=\"shop\",name=\"from-json\"} 1796636400",
                "appkeys_token_renewal_timestamp_seconds{namespace=\"shop\",name=\"ready\"} 1796636400",
            ],
            Samples(await ScrapeAsync(metrics)));

        // A key that leaves the cache (deleted) leaves the output; one whose status changes shows the new status.
        store.Remove(new ObjectKey("shop", "ready"));
        store.Upsert(Key("billing", "conflict", "True", Expires.AddHours(1), null));
        var after = Samples(await ScrapeAsync(metrics));
        Assert.DoesNotContain(after, l => l.Contains("name=\"ready\"", StringComparison.Ordinal));
        Assert.Contains("appkeys_applicationkey_ready_status{namespace=\"billing\",name=\"conflict\"} 1", after);
        Assert.Contains("appkeys_token_expiration_timestamp_seconds{namespace=\"billing\",name=\"conflict\"} 1796641200", after);
        Assert.DoesNotContain(after, l => l.StartsWith("appkeys_token_renewal_timestamp_seconds{namespace=\"billing\",name=\"conflict\"}", StringComparison.Ordinal));
        Assert.Equal(7, after.Length);
    }

    [Fact]
    public async Task Families_are_declared_once_with_their_help_and_values_follow_the_negotiated_format()
    {
        store.Upsert(Key("shop", "ready", "True", Expires, Renews));
        var metrics = Metrics();
        // The operator's other families share the registry: no family may appear twice.
        _ = new OperatorMetrics(metrics);
        _ = new SigningKeyMetrics(metrics, TimeProvider.System);

        foreach (var format in new[] { ExpositionFormat.PrometheusText, ExpositionFormat.OpenMetricsText })
        {
            var text = await ScrapeAsync(metrics, format);
            var types = text.Split('\n').Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)).ToList();
            Assert.Equal(types.Count, types.Distinct(StringComparer.Ordinal).Count());
            foreach (var (name, help) in new[]
            {
                ("appkeys_token_expiration_timestamp_seconds", "Expiry of the current token of an ApplicationKey (absent when it never expires)."),
                ("appkeys_token_renewal_timestamp_seconds", "When the current token of an ApplicationKey will be renewed."),
                ("appkeys_applicationkey_ready_status", "1 when the ApplicationKey is Ready, else 0."),
            })
            {
                Assert.Single(types, $"# TYPE {name} gauge");
                Assert.Contains($"\n# HELP {name} {help}\n# TYPE {name} gauge\n", text, StringComparison.Ordinal);
            }
        }

        var open = await ScrapeAsync(metrics, ExpositionFormat.OpenMetricsText);
        Assert.Contains("\nappkeys_applicationkey_ready_status{namespace=\"shop\",name=\"ready\"} 1.0\n", open, StringComparison.Ordinal);
        Assert.Contains("\nappkeys_token_expiration_timestamp_seconds{namespace=\"shop\",name=\"ready\"} 1796637600.0\n", open, StringComparison.Ordinal);
        Assert.EndsWith("\n# EOF\n", open, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ExpositionFormat.PrometheusText)]
    [InlineData(ExpositionFormat.OpenMetricsText)]
    public async Task The_families_read_as_the_prometheus_net_gauges_the_reconciler_set_read(ExpositionFormat format)
    {
        // The gauges as OperatorMetrics.KeyState set them (from the status just written), beside the computed ones.
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        var expiration = factory.CreateGauge("appkeys_token_expiration_timestamp_seconds", "Expiry of the current token of an ApplicationKey (absent when it never expires).", "namespace", "name");
        var renewal = factory.CreateGauge("appkeys_token_renewal_timestamp_seconds", "When the current token of an ApplicationKey will be renewed.", "namespace", "name");
        var ready = factory.CreateGauge("appkeys_applicationkey_ready_status", "1 when the ApplicationKey is Ready, else 0.", "namespace", "name");
        static long Seconds(DateTime v) => new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)).ToUnixTimeSeconds();
        foreach (var key in new[] { Key("shop", "ready", "True", Expires, Renews), Key("shop", "forever", "True"), Key("billing", "conflict", "False", Expires, Renews), Key("ns", "a\\b\"c\nd", "True", Expires, Renews) })
        {
            store.Upsert(key);
            var (ns, name) = (key.Metadata.NamespaceProperty, key.Metadata.Name);
            ready.WithLabels(ns, name).Set(key.Status.Conditions!.Any(c => c.Type == "Ready" && c.Status == "True") ? 1 : 0);
            if (key.Status.ExpiresAt is { } e)
            {
                expiration.WithLabels(ns, name).Set(Seconds(e));
            }

            if (key.Status.RenewalTime is { } r)
            {
                renewal.WithLabels(ns, name).Set(Seconds(r));
            }
        }

        using var buffer = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(buffer, format);
        var before = Encoding.UTF8.GetString(buffer.ToArray());
        var now = await ScrapeAsync(Metrics(), format);

        // Same HELP and TYPE lines, same samples (prometheus-net orders children as it likes: compared sorted).
        string[] Declarations(string text) => [.. text.Split('\n').Where(l => l.StartsWith("# ", StringComparison.Ordinal) && (l.Contains(" appkeys_token_expiration_", StringComparison.Ordinal) || l.Contains(" appkeys_token_renewal_", StringComparison.Ordinal) || l.Contains(" appkeys_applicationkey_ready_", StringComparison.Ordinal)))];
        Assert.Equal(Declarations(before), Declarations(now));
        Assert.Equal(Samples(before), Samples(now));
        Assert.Equal(6, Declarations(now).Length);
        Assert.Equal(10, Samples(now).Length);
    }

    [Fact]
    public async Task Label_values_are_escaped()
    {
        // Not a valid Kubernetes name, but the writer must not depend on that.
        store.Upsert(Key("shop", "a\\b\"c\nd", "True"));
        Assert.Equal(["appkeys_applicationkey_ready_status{namespace=\"shop\",name=\"a\\\\b\\\"c\\nd\"} 1"], Samples(await ScrapeAsync(Metrics())));
    }

    [Fact]
    public async Task A_replica_that_does_not_run_the_controllers_declares_the_families_without_series()
    {
        store.Upsert(Key("shop", "ready", "True", Expires, Renews));
        leading = false;
        var metrics = Metrics();
        var text = await ScrapeAsync(metrics);
        Assert.Empty(Samples(text));
        Assert.Contains("# TYPE appkeys_applicationkey_ready_status gauge", text, StringComparison.Ordinal);

        leading = true;
        Assert.Equal(3, Samples(await ScrapeAsync(metrics)).Length);
    }

    [Fact]
    public async Task Nothing_but_namespace_name_and_numbers_reaches_the_output()
    {
        var key = Key("shop", "ready", "True", Expires, Renews);
        key.Status!.ConsumerKey = "consumer-key-value";
        key.Status.IssuanceHash = "sha256:issuance-hash-value";
        key.Status.Conditions![1].Message = "condition message text";
        store.Upsert(key);

        var text = await ScrapeAsync(Metrics());
        foreach (var value in new[] { "tok-ready", "consumer-key-value", "issuance-hash-value", "condition message text", "uid-ready" })
        {
            Assert.DoesNotContain(value, text, StringComparison.Ordinal);
        }
    }
}
