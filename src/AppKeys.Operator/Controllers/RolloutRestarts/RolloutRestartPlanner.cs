using System.Security.Cryptography;
using System.Text;
using AppKeys.Operator.Apis;
using AppKeys.Runtime.Events;
using AppKeys.Runtime.Status;

namespace AppKeys.Operator.Controllers.RolloutRestarts;

/// <summary>
/// Pure decisions about rollout restart targets. A target is restarted when the content of the resource's Secret
/// (a content id from status: the token id, or a digest of the consumer-secret digests) differs from the one recorded
/// for it, and there was content before (a first sight, or a Secret that held nothing, restarts nothing). So a no-op
/// reconcile or an operator restart restarts nothing; a crash before the record lands repeats the restart at most once,
/// after the interval. Each target is restarted at most once per <see cref="RolloutRestartSettings.MinInterval"/>,
/// counted from its pod template's <c>kubectl.kubernetes.io/restartedAt</c> — whoever wrote it, so several resources
/// naming one workload, or a person restarting it, share the bound; a time in the future (not a real restart) is
/// ignored. A restart inside the interval waits for its end (Pending), then happens with the latest content.
/// </summary>
public static class RolloutRestartPlanner
{
    /// <summary>The annotation <c>kubectl rollout restart</c> sets on the pod template.</summary>
    public const string RestartedAtAnnotation = "kubectl.kubernetes.io/restartedAt";

    /// <summary>The content id of a key's Secret: its token id; empty when it holds no token (withdrawn, none yet).</summary>
    public static string ContentOf(V1Alpha1ApplicationKeyStatus? status) => status?.TokenId ?? "";

    /// <summary>
    /// The content id of an Application's Secret: a digest over the recorded consumer keys and consumer-secret digests
    /// (a digest of digests: nothing secret). Empty when nothing is recorded.
    /// </summary>
    public static string ContentOf(V1Alpha1ApplicationStatus? status)
    {
        if (status?.Keys is not { Count: > 0 } keys)
        {
            return "";
        }

        var text = string.Join("\n", keys.OrderBy(k => k.KeyType, StringComparer.Ordinal).Select(k => $"{k.KeyType}:{k.ConsumerKey}:{k.SecretHash}"));
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }

    /// <summary>
    /// The targets to look at (GET) in this reconcile: those whose record is not for <paramref name="content"/>, and
    /// those whose last look failed (403, or an API error: retried, so installing the RBAC later takes effect).
    /// </summary>
    public static IReadOnlyList<V1Alpha1RolloutRestartTarget> Due(IEnumerable<V1Alpha1RolloutRestartTarget>? targets, IEnumerable<V1Alpha1RolloutRestartStatus>? records, string content)
    {
        var due = new List<V1Alpha1RolloutRestartTarget>();
        foreach (var target in Distinct(targets))
        {
            var record = Find(records, target);
            if (record?.ObservedContent != content || record.Result is RolloutRestartResults.Forbidden or RolloutRestartResults.Failed)
            {
                due.Add(target);
            }
        }

        return due;
    }

    /// <summary>What to do about a target that is due, given what its GET showed.</summary>
    /// <param name="target">The target.</param>
    /// <param name="record">Its record in status, or null.</param>
    /// <param name="content">The Secret's current content id.</param>
    /// <param name="observation">The GET's result.</param>
    /// <param name="why">Why the content changed, for the record's message.</param>
    /// <param name="now">The current time.</param>
    /// <param name="settings">The interval and retry delays.</param>
    public static TargetDecision Decide(V1Alpha1RolloutRestartTarget target, V1Alpha1RolloutRestartStatus? record, string content, TargetObservation observation, string why, DateTimeOffset now, RolloutRestartSettings settings)
    {
        var label = Label(target);
        if (observation.Failure is { } failure)
        {
            var retry = failure == RolloutRestartResults.Forbidden ? settings.ForbiddenRetry : settings.FailureRetry;
            var message = failure == RolloutRestartResults.Forbidden
                ? $"The operator may not get or patch {label} ({observation.Detail}): install its rollout-restart RBAC (chart value rolloutRestart.enabled, kustomize component config/components/rollout-restart); retried every {(long)retry.TotalSeconds} s"
                : $"Could not restart {label} ({observation.Detail}); retried in {(long)retry.TotalSeconds} s";
            // Never looked at before: the current content is its baseline (what a later change is measured against).
            return Keep(target, record?.ObservedContent ?? content, record, failure, message, now + retry);
        }

        if (!observation.Found)
        {
            return Done(target, record, content, RolloutRestartResults.NotFound, $"{label} does not exist in the namespace; nothing to restart");
        }

        if (!observation.ConsumesSecret)
        {
            return Done(target, record, content, RolloutRestartResults.NotConsuming, $"{label} does not use the Secret (no volume, projected volume, env or envFrom names it); it is never restarted for it");
        }

        if (record?.ObservedContent is not { Length: > 0 } || record.ObservedContent == content)
        {
            return Done(target, record, content, RolloutRestartResults.Observed, $"{label} is up to date with the Secret; it is restarted when the Secret's content changes");
        }

        var last = observation.RestartedAt is { } at && at <= now ? at : (DateTimeOffset?)null;
        var lastByOperator = record.LastRestartTime is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : (DateTimeOffset?)null;
        var latest = Max(last, lastByOperator is { } l && l <= now ? l : null);
        if (latest is { } previous && now - previous < settings.MinInterval)
        {
            var earliest = previous + settings.MinInterval;
            return Keep(target, record.ObservedContent, record, RolloutRestartResults.Pending, $"{label} was restarted at {Rfc3339.ToString(previous)}; the restart for the new content ({why}) waits until {Rfc3339.ToString(earliest)} (at most one restart per {(long)settings.MinInterval.TotalSeconds} s)", earliest);
        }

        var restarted = new V1Alpha1RolloutRestartStatus
        {
            Kind = target.Kind,
            Name = target.Name,
            ObservedContent = content,
            LastRestartTime = Whole(now).UtcDateTime,
            Result = RolloutRestartResults.Restarted,
            Message = $"Restarted {label} at {Rfc3339.ToString(now)}: {why}",
        };
        return new TargetDecision(target, restarted, Patch: true, Whole(now), null);
    }

    /// <summary>The decision after its patch failed: the record says why, and the target is looked at again.</summary>
    public static TargetDecision PatchFailed(TargetDecision decision, V1Alpha1RolloutRestartStatus? previous, string content, TargetObservation failure, string why, DateTimeOffset now, RolloutRestartSettings settings) =>
        Decide(decision.Target, previous, content, failure, why, now, settings);

    /// <summary>
    /// The <c>RolloutRestart</c> condition for the records (null when no targets are configured: the condition is
    /// removed), and the Warning events of targets whose result turned into a problem.
    /// </summary>
    public static (ConditionSpec? Condition, IReadOnlyList<PlannedEvent> Events) Summarize(IReadOnlyList<V1Alpha1RolloutRestartStatus> records, IEnumerable<V1Alpha1RolloutRestartStatus>? previous, IReadOnlyList<V1Alpha1RolloutRestartTarget> restarted, string why)
    {
        var events = new List<PlannedEvent>();
        if (restarted.Count > 0)
        {
            events.Add(new PlannedEvent(EventTypes.Normal, "RolloutRestarted", $"Restarted {string.Join(", ", restarted.Select(Label))} (pod template annotation {RestartedAtAnnotation}): {why}"));
        }

        foreach (var record in records)
        {
            var before = previous?.FirstOrDefault(p => p.Kind == record.Kind && p.Name == record.Name);
            if (record.Result is RolloutRestartResults.Forbidden or RolloutRestartResults.NotFound or RolloutRestartResults.NotConsuming or RolloutRestartResults.Failed
                && before?.Result != record.Result)
            {
                events.Add(new PlannedEvent(EventTypes.Warning, WarningReason(record.Result), record.Message ?? ""));
            }
        }

        if (records.Count == 0)
        {
            return (null, events);
        }

        string[] worstFirst = [RolloutRestartResults.Forbidden, RolloutRestartResults.Failed, RolloutRestartResults.NotFound, RolloutRestartResults.NotConsuming];
        foreach (var result in worstFirst)
        {
            var bad = records.Where(r => r.Result == result).ToList();
            if (bad.Count > 0)
            {
                return (new ConditionSpec(false, result == RolloutRestartResults.NotFound ? "TargetNotFound" : result == RolloutRestartResults.NotConsuming ? "TargetNotConsuming" : result, string.Join("; ", bad.Select(r => r.Message))), events);
            }
        }

        var pending = records.Where(r => r.Result == RolloutRestartResults.Pending).ToList();
        if (pending.Count > 0)
        {
            return (new ConditionSpec(true, RolloutRestartResults.Pending, string.Join("; ", pending.Select(r => r.Message))), events);
        }

        var names = string.Join(", ", records.Select(r => $"{r.Kind}/{r.Name}"));
        return (new ConditionSpec(true, "Ready", $"{names}: restarted when the Secret's content changes"), events);
    }

    /// <summary>
    /// Sets <paramref name="records"/> and the <c>RolloutRestart</c> condition on <paramref name="status"/>'s
    /// conditions (removed when <paramref name="condition"/> is null).
    /// </summary>
    public static void Apply(IConditionedStatus status, Action<IList<V1Alpha1RolloutRestartStatus>?> setRecords, IReadOnlyList<V1Alpha1RolloutRestartStatus> records, ConditionSpec? condition, long? generation, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(setRecords);
        setRecords(records.Count == 0 ? null : [.. records]);
        status.Conditions ??= [];
        if (condition is null)
        {
            foreach (var c in status.Conditions.Where(c => c.Type == RolloutRestartCondition).ToList())
            {
                status.Conditions.Remove(c);
            }

            return;
        }

        Conditions.Set(status.Conditions, RolloutRestartCondition, condition.Status, condition.Reason, condition.Message, generation, now);
    }

    /// <summary>The condition type.</summary>
    public const string RolloutRestartCondition = "RolloutRestart";

    /// <summary>A copy of a record (records of the observed object are never changed).</summary>
    public static V1Alpha1RolloutRestartStatus? Copy(V1Alpha1RolloutRestartStatus? r) => r is null ? null : new()
    {
        Kind = r.Kind,
        Name = r.Name,
        ObservedContent = r.ObservedContent,
        LastRestartTime = r.LastRestartTime,
        Result = r.Result,
        Message = r.Message,
    };

    public static V1Alpha1RolloutRestartStatus? Find(IEnumerable<V1Alpha1RolloutRestartStatus>? records, V1Alpha1RolloutRestartTarget target) =>
        records?.FirstOrDefault(r => r.Kind == target.Kind && r.Name == target.Name);

    /// <summary>The spec's targets without repeats, at most <see cref="V1Alpha1RolloutRestartTarget.MaxTargets"/> (the schema's bound, kept here too).</summary>
    public static IEnumerable<V1Alpha1RolloutRestartTarget> Distinct(IEnumerable<V1Alpha1RolloutRestartTarget>? targets) =>
        (targets ?? []).DistinctBy(t => (t.Kind, t.Name)).Take(V1Alpha1RolloutRestartTarget.MaxTargets);

    public static string Label(V1Alpha1RolloutRestartTarget target) => $"{target.Kind}/{target.Name}";

    /// <summary>The pod template's restartedAt as kubectl writes it (RFC 3339, any offset); null when absent or unreadable.</summary>
    public static DateTimeOffset? ParseRestartedAt(string? value) =>
        DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    private static string WarningReason(string result) => result switch
    {
        RolloutRestartResults.Forbidden => "RolloutRestartForbidden",
        RolloutRestartResults.NotFound => "RolloutRestartTargetNotFound",
        RolloutRestartResults.NotConsuming => "RolloutRestartTargetNotConsuming",
        _ => "RolloutRestartFailed",
    };

    /// <summary>Recorded as handled for <paramref name="content"/> (no patch).</summary>
    private static TargetDecision Done(V1Alpha1RolloutRestartTarget target, V1Alpha1RolloutRestartStatus? record, string content, string result, string message) =>
        new(target, new V1Alpha1RolloutRestartStatus
        {
            Kind = target.Kind,
            Name = target.Name,
            ObservedContent = content,
            LastRestartTime = record?.LastRestartTime,
            Result = result,
            Message = message,
        }, Patch: false, default, null);

    /// <summary>Not handled yet: <paramref name="observed"/> is recorded, and the target is due again (at <paramref name="next"/>).</summary>
    private static TargetDecision Keep(V1Alpha1RolloutRestartTarget target, string? observed, V1Alpha1RolloutRestartStatus? record, string result, string message, DateTimeOffset next) =>
        new(target, new V1Alpha1RolloutRestartStatus
        {
            Kind = target.Kind,
            Name = target.Name,
            ObservedContent = observed,
            LastRestartTime = record?.LastRestartTime,
            Result = result,
            Message = message,
        }, Patch: false, default, next);

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;

    private static DateTimeOffset Whole(DateTimeOffset t) => new(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
}

/// <summary>A condition to set: status, reason, message.</summary>
public sealed record ConditionSpec(bool Status, string Reason, string Message);
