using AppKeys.Runtime.Metrics;
using Prometheus;

namespace AppKeys.Operator.Metrics;

/// <summary>Product metrics, served on /metrics beside the runtime's (names documented in docs/operator.md).</summary>
public sealed class OperatorMetrics
{
    private readonly Counter issuances;
    private readonly Gauge expiration;
    private readonly Gauge renewal;
    private readonly Gauge ready;
    private readonly Counter regenerations;
    private readonly Counter tampered;
    private readonly Counter revocations;

    public OperatorMetrics(RuntimeMetrics runtime)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        var factory = Prometheus.Metrics.WithCustomRegistry(runtime.Registry);
        issuances = factory.CreateCounter("appkeys_token_issuances_total", "Tokens issued, by reason (Initial, Expiring, SpecChanged, ...).", "namespace", "reason");
        expiration = factory.CreateGauge("appkeys_token_expiration_timestamp_seconds", "Expiry of the current token of an ApplicationKey (absent when it never expires).", "namespace", "name");
        renewal = factory.CreateGauge("appkeys_token_renewal_timestamp_seconds", "When the current token of an ApplicationKey will be renewed.", "namespace", "name");
        ready = factory.CreateGauge("appkeys_applicationkey_ready_status", "1 when the ApplicationKey is Ready, else 0.", "namespace", "name");
        regenerations = factory.CreateCounter("appkeys_consumer_secret_regenerations_total", "Consumer secrets regenerated, by reason (requested, periodic, repaired, tampered, lost).", "namespace", "reason");
        revocations = factory.CreateCounter("appkeys_token_revocations_total", "ApplicationKey tokens revoked by the appkeys.io/revoke annotation.", "namespace");
        tampered = factory.CreateCounter("appkeys_credentials_tampered_total", "Secrets the operator found changed by someone else and repaired from its record, by kind of their owner (Application, ApplicationKey).", "namespace", "kind");
    }

    public void Issued(string @namespace, string reason) => issuances.WithLabels(@namespace, reason).Inc();

    /// <summary>Counts a key's token revoked by <c>appkeys.io/revoke</c>.</summary>
    public void TokenRevoked(string @namespace) => revocations.WithLabels(@namespace).Inc();

    /// <summary>Counts regenerated consumer secrets; <paramref name="reason"/> is one of the bounded RegenerationReasons values.</summary>
    public void Regenerated(string @namespace, string reason, int count) => regenerations.WithLabels(@namespace, reason).Inc(count);

    /// <summary>Counts a managed Secret found changed by someone else and repaired.</summary>
    public void Tampered(string @namespace, string kind) => tampered.WithLabels(@namespace, kind).Inc();

    public void KeyState(string @namespace, string name, bool isReady, DateTime? expiresAt, DateTime? renewalTime)
    {
        ready.WithLabels(@namespace, name).Set(isReady ? 1 : 0);
        SetOrRemove(expiration, @namespace, name, expiresAt);
        SetOrRemove(renewal, @namespace, name, renewalTime);
    }

    public void KeyDeleted(string @namespace, string name)
    {
        ready.RemoveLabelled(@namespace, name);
        expiration.RemoveLabelled(@namespace, name);
        renewal.RemoveLabelled(@namespace, name);
    }

    private static void SetOrRemove(Gauge gauge, string @namespace, string name, DateTime? value)
    {
        if (value is { } v)
        {
            gauge.WithLabels(@namespace, name).Set(new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)).ToUnixTimeSeconds());
        }
        else
        {
            gauge.RemoveLabelled(@namespace, name);
        }
    }
}
