using AppKeys.Runtime.Metrics;
using Prometheus;

namespace AppKeys.Operator.Metrics;

/// <summary>
/// Product metrics, served on /metrics beside the runtime's (names documented in docs/operator.md). The per-key gauges
/// are not here: <see cref="ApplicationKeyStateMetrics"/> computes them from the cache at scrape time.
/// </summary>
public sealed class OperatorMetrics
{
    private readonly Counter issuances;
    private readonly Counter regenerations;
    private readonly Counter tampered;
    private readonly Counter revocations;

    public OperatorMetrics(RuntimeMetrics runtime)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        var factory = Prometheus.Metrics.WithCustomRegistry(runtime.Registry);
        issuances = factory.CreateCounter("appkeys_token_issuances_total", "Tokens issued, by reason (Initial, Expiring, SpecChanged, ...).", "namespace", "reason");
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
}
