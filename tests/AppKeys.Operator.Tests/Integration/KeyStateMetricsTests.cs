using System.Globalization;

namespace AppKeys.Operator.Tests.Integration;

/// <summary>The per-key gauges on the running operator's /metrics: its key cache's statuses, gone with the key.</summary>
[Collection(OperatorCollection.Name)]
public sealed class KeyStateMetricsTests(OperatorFixture f)
{
    private static readonly string[] Families = ["appkeys_token_expiration_timestamp_seconds", "appkeys_token_renewal_timestamp_seconds", "appkeys_applicationkey_ready_status"];

    /// <summary>The series of <paramref name="ns"/> on /metrics, sorted, one per line.</summary>
    private async Task<string?> SeriesAsync(string ns)
    {
        using var http = new HttpClient();
        var text = await http.GetStringAsync(new Uri(f.OperatorHttp, "/metrics"));
        return string.Join('\n', text.Split('\n').Where(l => Families.Any(m => l.StartsWith($"{m}{{namespace=\"{ns}\",", StringComparison.Ordinal))).Order(StringComparer.Ordinal));
    }

    private static long Seconds(DateTime? value) => new DateTimeOffset(DateTime.SpecifyKind(value!.Value, DateTimeKind.Utc)).ToUnixTimeSeconds();

    [Fact]
    public async Task The_leader_reports_each_keys_status_and_forgets_a_deleted_key()
    {
        var ns = await f.CreateNamespaceAsync("gauges");
        await f.CreateApplicationAsync(ns, "app");
        await f.CreateKeyAsync(ns, "expiring", "app");
        await f.CreateKeyAsync(ns, "forever", "app", s => s.ValidityPeriod = -1);
        var expiring = await f.WaitKeyReadyAsync(ns, "expiring");
        await f.WaitKeyReadyAsync(ns, "forever");

        string[] expected =
        [
            $"appkeys_applicationkey_ready_status{{namespace=\"{ns}\",name=\"expiring\"}} 1",
            $"appkeys_applicationkey_ready_status{{namespace=\"{ns}\",name=\"forever\"}} 1",
            $"appkeys_token_expiration_timestamp_seconds{{namespace=\"{ns}\",name=\"expiring\"}} {Seconds(expiring.Status.ExpiresAt).ToString(CultureInfo.InvariantCulture)}",
            $"appkeys_token_renewal_timestamp_seconds{{namespace=\"{ns}\",name=\"expiring\"}} {Seconds(expiring.Status.RenewalTime).ToString(CultureInfo.InvariantCulture)}",
        ];
        // The cache holds the written status a watch event after the read above.
        await Eventually.GetAsync(() => SeriesAsync(ns), s => s == string.Join('\n', expected), $"the series of {ns}:\n{string.Join('\n', expected)}\n");

        await f.Keys.DeleteAsync("expiring", ns);
        string[] remaining = [$"appkeys_applicationkey_ready_status{{namespace=\"{ns}\",name=\"forever\"}} 1"];
        await Eventually.GetAsync(() => SeriesAsync(ns), s => s == string.Join('\n', remaining), "only the remaining key's series");
    }
}
