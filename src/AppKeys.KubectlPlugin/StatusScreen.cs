using System.Globalization;
using System.Text;
using AppKeys.Operator.Apis;
using k8s.Models;

namespace AppKeys.KubectlPlugin;

/// <summary>One screen about an Application or an ApplicationKey: where it stands, its Secret, recent events, and what to do next. Pure: objects in, text out.</summary>
internal static class StatusScreen
{
    public static string ForKey(V1Alpha1ApplicationKey key, V1Secret? secret, IReadOnlyList<Corev1Event> events, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(key);
        var s = key.Status;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"ApplicationKey {key.Metadata.NamespaceProperty}/{key.Metadata.Name}");
        var ready = Ready(s?.Conditions);
        AppendReady(text, ready, s?.ObservedGeneration, key.Metadata.Generation);
        Line(text, "Application", $"{key.Spec.ApplicationRef?.Name} ({s?.KeyType ?? key.Spec.KeyType ?? "Production"}{(s?.TokenType is { } t ? $", {t}" : "")})");
        Line(text, "Consumer key", s?.ConsumerKey ?? "-");
        Line(text, "Scopes", s?.Scopes is { Count: > 0 } scopes ? string.Join(' ', scopes) : "(none)");
        if (s?.Revision is { } revision)
        {
            Line(text, "Token", $"revision {revision}, id {s.TokenId ?? "-"}, issued {When(s.IssuedAt, now)}");
            Line(text, "Expires", s.ExpiresAt is null ? "never (validityPeriod < 0)" : When(s.ExpiresAt, now));
            Line(text, "Renewal", s.RenewalTime is null ? "never" : When(s.RenewalTime, now));
        }
        else
        {
            Line(text, "Token", "none issued yet");
        }

        var secretName = s?.SecretName ?? key.Spec.SecretName ?? key.Metadata.Name;
        Line(text, "Secret", secret is null
            ? $"{secretName} (missing)"
            : $"{secretName} (keys: {string.Join(", ", (secret.Data?.Keys ?? []).Order(StringComparer.Ordinal))})");
        AppendEvents(text, events, now);
        text.AppendLine("Next:");
        text.AppendLine(CultureInfo.InvariantCulture, $"  {NextForKey(key, ready, secret, secretName)}");
        return text.ToString();
    }

    public static string ForApplication(V1Alpha1Application app, IReadOnlyList<V1Alpha1ApplicationKey> keys, V1Secret? secret, IReadOnlyList<Corev1Event> events, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(app);
        var s = app.Status;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Application {app.Metadata.NamespaceProperty}/{app.Metadata.Name}");
        var ready = Ready(s?.Conditions);
        AppendReady(text, ready, s?.ObservedGeneration, app.Metadata.Generation);
        Line(text, "Application id", s?.ApplicationId ?? "-");
        Line(text, "Token type", app.Spec.TokenType ?? "JWT");
        foreach (var entry in s?.Keys ?? [])
        {
            var rotation = entry.SecretCreatedAt is { } created ? $", secret created {When(created, now)}" : "";
            var grace = entry.PreviousSecretExpiresAt is { } until ? $", previous secret valid until {When(until, now)}" : "";
            Line(text, entry.KeyType, $"consumer key {entry.ConsumerKey}{rotation}{grace}");
        }

        var secretName = s?.SecretName ?? app.Spec.SecretName ?? $"{app.Metadata.Name}-credentials";
        Line(text, "Secret", secret is null ? $"{secretName} (missing)" : $"{secretName} (keys: {string.Join(", ", (secret.Data?.Keys ?? []).Order(StringComparer.Ordinal))})");
        Line(text, "Keys", keys.Count == 0
            ? "(no ApplicationKey refers to it)"
            : string.Join(", ", keys.Select(k => $"{k.Metadata.Name} ({Ready(k.Status?.Conditions)?.Reason ?? "pending"})")));
        AppendEvents(text, events, now);
        text.AppendLine("Next:");
        text.AppendLine(CultureInfo.InvariantCulture, $"  {NextForApplication(app, ready, keys)}");
        return text.ToString();
    }

    private static string NextForKey(V1Alpha1ApplicationKey key, V1Condition? ready, V1Secret? secret, string secretName) => ready?.Reason switch
    {
        null => "nothing reported yet: is the operator running? (kubectl appkeys check)",
        ConditionReasons.Issued when ready.Status == "True" => $"mount Secret {secretName} as a volume; renew now with: kubectl appkeys renew {key.Metadata.Name}",
        ConditionReasons.ApplicationNotFound => $"create Application {key.Spec.ApplicationRef?.Name} in namespace {key.Metadata.NamespaceProperty}, or fix spec.applicationRef",
        ConditionReasons.ApplicationNotReady => $"see why the Application is not Ready: kubectl appkeys status application {key.Spec.ApplicationRef?.Name}",
        ConditionReasons.KeyTypeNotEnabled => $"add {key.Spec.KeyType} to the Application's spec.keyTypes, or change this key's spec.keyType",
        ConditionReasons.ScopeNotAllowed => "remove the scope from spec.scopes, or add it to the Application's spec.allowedScopes",
        ConditionReasons.InvalidSpec => $"fix the spec: {ready.Message}",
        ConditionReasons.SecretConflict => $"Secret {secretName} belongs to something else: choose another spec.secretName, or delete that Secret if it is not needed",
        ConditionReasons.IssuanceFailed => "the operator retries with backoff; see the events and the operator's log",
        _ when secret is null => $"Secret {secretName} is missing; the operator recreates it on its next reconcile",
        _ => $"{ready.Reason}: {ready.Message}",
    };

    private static string NextForApplication(V1Alpha1Application app, V1Condition? ready, IReadOnlyList<V1Alpha1ApplicationKey> keys) => ready switch
    {
        null => "nothing reported yet: is the operator running? (kubectl appkeys check)",
        { Status: "True" } when keys.Count == 0 => $"create an ApplicationKey with spec.applicationRef.name: {app.Metadata.Name} to get a token",
        { Status: "True" } => $"regenerate the consumer secrets with: kubectl appkeys regenerate-secret {app.Metadata.Name}",
        { Reason: ConditionReasons.InvalidSpec } => $"fix the spec: {ready.Message}",
        { Reason: ConditionReasons.SecretConflict } => "the credentials Secret belongs to something else: choose another spec.secretName",
        _ => $"{ready.Reason}: {ready.Message}",
    };

    private static V1Condition? Ready(IList<V1Condition>? conditions) => conditions?.FirstOrDefault(c => c.Type == "Ready");

    private static void AppendReady(StringBuilder text, V1Condition? ready, long? observed, long? generation)
    {
        var stale = observed is { } o && generation is { } g && o < g ? $" [status is of generation {o}; the spec is at {g}]" : "";
        Line(text, "Ready", ready is null ? "unknown (no status yet)" : $"{ready.Status} ({ready.Reason}): {ready.Message}{stale}");
    }

    private static void AppendEvents(StringBuilder text, IReadOnlyList<Corev1Event> events, DateTimeOffset now)
    {
        text.AppendLine("Events (newest last):");
        if (events.Count == 0)
        {
            text.AppendLine("  (none)");
        }

        foreach (var e in events.TakeLast(5))
        {
            var at = e.LastTimestamp ?? e.EventTime ?? e.Metadata.CreationTimestamp;
            var count = e.Count is > 1 ? $" (x{e.Count})" : "";
            text.AppendLine(CultureInfo.InvariantCulture, $"  {Ago(at, now),-8} {e.Type,-8} {e.Reason}{count}: {e.Message}");
        }
    }

    private static void Line(StringBuilder text, string label, string value) =>
        text.AppendLine(CultureInfo.InvariantCulture, $"  {label + ":",-15} {value}");

    private static string When(DateTime? at, DateTimeOffset now) => at is not { } t
        ? "-"
        : $"{t.ToUniversalTime():yyyy-MM-dd'T'HH:mm:ss'Z'} ({Relative(new DateTimeOffset(DateTime.SpecifyKind(t.ToUniversalTime(), DateTimeKind.Utc)) - now)})";

    private static string Ago(DateTime? at, DateTimeOffset now) => at is not { } t
        ? "-"
        : Human(now - new DateTimeOffset(DateTime.SpecifyKind(t.ToUniversalTime(), DateTimeKind.Utc))) + " ago";

    private static string Relative(TimeSpan delta) => delta >= TimeSpan.Zero ? $"in {Human(delta)}" : $"{Human(-delta)} ago";

    /// <summary>kubectl's short durations: 45s, 12m, 5h, 3d.</summary>
    private static string Human(TimeSpan d) => d switch
    {
        { TotalSeconds: < 120 } => $"{(long)d.TotalSeconds}s",
        { TotalMinutes: < 120 } => $"{(long)d.TotalMinutes}m",
        { TotalHours: < 48 } => $"{(long)d.TotalHours}h",
        _ => $"{(long)d.TotalDays}d",
    };
}
