using AppKeys.Runtime.Metrics;
using Prometheus;

namespace AppKeys.Operator.Signing;

/// <summary>Signing-key metrics (docs/operator.md): age of the current key, next rotation, keys by state, transitions.</summary>
public sealed class SigningKeyMetrics
{
    private readonly Gauge age;
    private readonly Gauge nextRotation;
    private readonly Gauge published;
    private readonly Counter transitions;
    private readonly TimeProvider time;
    private volatile SigningKeyStore? store;

    public SigningKeyMetrics(RuntimeMetrics runtime, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        this.time = time;
        var factory = Prometheus.Metrics.WithCustomRegistry(runtime.Registry);
        age = factory.CreateGauge("appkeys_signing_key_current_age_seconds", "How long the current signing key has been signing.");
        nextRotation = factory.CreateGauge("appkeys_signing_key_next_rotation_timestamp_seconds", "When the next signing key is due to take over (Unix seconds).");
        published = factory.CreateGauge("appkeys_signing_keys", "Signing keys in the key set, by state (next, current and retired are published in the JWKS).", "state");
        transitions = factory.CreateCounter("appkeys_signing_key_events_total", "Signing-key transitions, by event reason (SigningKeyPublished, SigningKeyRotated, SigningKeyRemoved, SigningKeyRevoked, SigningKeysRestored, SigningKeyLost...).", "reason");

        // Age and schedule are read at scrape time, so they are right between reconciles.
        runtime.Registry.AddBeforeCollectCallback(Refresh);
    }

    /// <summary>Reads the key set from <paramref name="signingKeys"/> at every scrape.</summary>
    public void Attach(SigningKeyStore signingKeys) => store = signingKeys;

    public void Transition(string reason) => transitions.WithLabels(reason).Inc();

    private void Refresh()
    {
        var s = store;
        var set = s?.Held;
        if (s is null || set?.Current is not { } current)
        {
            return;
        }

        age.Set(Math.Max(0, (time.GetUtcNow() - (current.ActivatedAt ?? current.CreatedAt)).TotalSeconds));
        var due = SigningKeyPlanner.Due(set, s.Settings);
        var next = set.Next is { } n ? (due > n.CreatedAt + s.Settings.Prepublish ? due : n.CreatedAt + s.Settings.Prepublish) : due;
        nextRotation.Set(next < time.GetUtcNow() ? time.GetUtcNow().ToUnixTimeSeconds() : next.ToUnixTimeSeconds());
        foreach (var state in Enum.GetValues<SigningKeyState>())
        {
            published.WithLabels(state.ToString().ToLowerInvariant()).Set(set.Keys.Count(k => k.State == state));
        }
    }
}
