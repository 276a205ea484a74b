using AppKeys.Operator.Apis;
using AppKeys.Operator.Controllers;
using AppKeys.Runtime.Informers;
using AppKeys.Runtime.Metrics;
using AppKeys.Runtime.Status;

namespace AppKeys.Operator.Metrics;

/// <summary>
/// The per-key gauges (docs/operator.md), computed at each scrape from the ApplicationKey cache instead of kept as
/// prometheus-net children: three children per key with their label arrays and dictionaries cost about 1.1 kB a key
/// (docs/benchmarks.md), for values that the key's status already holds. The reconciler wrote them from the status it
/// had just written; the cache holds that status a watch event later, so the values are the same. Keys being deleted
/// or gone from the cache have no series. Only the replica that runs the controllers reports (as when the reconciler
/// set them): a standby's series would duplicate the leader's and double every sum or alert; every replica declares
/// the three families, as prometheus-net did for gauges without children.
/// </summary>
/// <param name="keys">The operator's ApplicationKey cache.</param>
/// <param name="reporting">True while this replica runs the controllers (<c>RuntimeHealth.ControllersRunning</c>).</param>
public sealed class ApplicationKeyStateMetrics(IObjectStore<V1Alpha1ApplicationKey> keys, Func<bool> reporting) : IScrapeTimeMetrics
{
    public const string Expiration = "appkeys_token_expiration_timestamp_seconds";
    public const string Renewal = "appkeys_token_renewal_timestamp_seconds";
    public const string Ready = "appkeys_applicationkey_ready_status";

    /// <inheritdoc />
    public async ValueTask WriteAsync(MetricsTextWriter writer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writer);
        IReadOnlyList<KeyState?> states = reporting() ? keys.Project(StateOf) : [];

        writer.BeginGauge(Expiration, "Expiry of the current token of an ApplicationKey (absent when it never expires).", "namespace", "name");
        foreach (var state in states)
        {
            if (state is { ExpiresAt: { } at } s)
            {
                await writer.SampleAsync(at, s.Namespace, s.Name);
            }
        }

        writer.BeginGauge(Renewal, "When the current token of an ApplicationKey will be renewed.", "namespace", "name");
        foreach (var state in states)
        {
            if (state is { RenewalTime: { } at } s)
            {
                await writer.SampleAsync(at, s.Namespace, s.Name);
            }
        }

        writer.BeginGauge(Ready, "1 when the ApplicationKey is Ready, else 0.", "namespace", "name");
        foreach (var state in states)
        {
            if (state is { } s)
            {
                await writer.SampleAsync(s.IsReady ? 1 : 0, s.Namespace, s.Name);
            }
        }
    }

    /// <summary>
    /// What the reconciler passed to the gauges, from a cached key (only read, never changed): nothing for a key being
    /// deleted or without status (a key the operator never wrote a status for had no series either); else its Ready
    /// condition and the Unix seconds of <c>status.expiresAt</c> and <c>status.renewalTime</c> (absent when unset).
    /// </summary>
    internal static KeyState? StateOf(V1Alpha1ApplicationKey key)
    {
        if (key.Metadata.DeletionTimestamp is not null || key.Status is not { } status)
        {
            return null;
        }

        var ready = Conditions.Find(status.Conditions, ConditionTypes.Ready)?.Status == ConditionStatus.True;
        return new KeyState(key.Metadata.NamespaceProperty ?? "", key.Metadata.Name, ready, UnixSeconds(status.ExpiresAt), UnixSeconds(status.RenewalTime));
    }

    private static long? UnixSeconds(DateTime? value) =>
        value is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)).ToUnixTimeSeconds() : null;

    /// <summary>One key's series values; strings are the cached key's own (nothing copied per scrape).</summary>
    internal readonly record struct KeyState(string Namespace, string Name, bool IsReady, long? ExpiresAt, long? RenewalTime);
}
