using k8s.Models;

namespace AppKeys.Runtime.Status;

/// <summary>
/// The one conditions helper: setting a condition always records <c>observedGeneration</c>, and keeps
/// <c>lastTransitionTime</c> unless the status flips (the cert-manager / apimachinery meta.SetStatusCondition rule).
/// </summary>
public static class Conditions
{
    /// <summary>The condition of <paramref name="type"/>, or null.</summary>
    public static V1Condition? Find(IEnumerable<V1Condition>? conditions, string type) =>
        conditions?.FirstOrDefault(c => string.Equals(c.Type, type, StringComparison.Ordinal));

    /// <summary>
    /// A deep copy of <paramref name="conditions"/> (an empty list for null), so a planner computing a new status from an
    /// observed one never changes what it observed.
    /// </summary>
    public static IList<V1Condition> Copy(IEnumerable<V1Condition>? conditions) =>
        [.. (conditions ?? []).Select(c => new V1Condition
        {
            Type = c.Type,
            Status = c.Status,
            Reason = c.Reason,
            Message = c.Message,
            ObservedGeneration = c.ObservedGeneration,
            LastTransitionTime = c.LastTransitionTime,
        })];

    /// <summary>
    /// Sets the condition of <paramref name="type"/>; returns true when anything changed (so the caller knows whether
    /// a status write is needed).
    /// </summary>
    /// <param name="conditions">The object's conditions list (modified in place).</param>
    /// <param name="type">Condition type, e.g. <c>Ready</c>.</param>
    /// <param name="status"><see cref="ConditionStatus"/> value.</param>
    /// <param name="reason">UpperCamelCase reason.</param>
    /// <param name="message">Human-readable message (never secrets).</param>
    /// <param name="observedGeneration">The <c>metadata.generation</c> this condition was computed from.</param>
    /// <param name="now">Current time (from the injected TimeProvider); used only when the status flips or the condition is new.</param>
    public static bool Set(IList<V1Condition> conditions, string type, string status, string reason, string message, long? observedGeneration, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentException.ThrowIfNullOrEmpty(status);
        ArgumentException.ThrowIfNullOrEmpty(reason);
        message ??= string.Empty;

        // Kubernetes serializes lastTransitionTime with second precision; keep it comparable.
        var time = new DateTime(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
        var existing = Find(conditions, type);
        if (existing is null)
        {
            conditions.Add(new V1Condition
            {
                Type = type,
                Status = status,
                Reason = reason,
                Message = message,
                ObservedGeneration = observedGeneration,
                LastTransitionTime = time,
            });
            return true;
        }

        var changed = false;
        if (existing.Status != status)
        {
            existing.Status = status;
            existing.LastTransitionTime = time;
            changed = true;
        }

        if (existing.Reason != reason)
        {
            existing.Reason = reason;
            changed = true;
        }

        if ((existing.Message ?? string.Empty) != message)
        {
            existing.Message = message;
            changed = true;
        }

        if (existing.ObservedGeneration != observedGeneration)
        {
            existing.ObservedGeneration = observedGeneration;
            changed = true;
        }

        return changed;
    }

    /// <summary>
    /// Sets the condition of <paramref name="type"/> on <paramref name="status"/> (creating its list if needed) and
    /// always records <paramref name="observedGeneration"/> in the status and the condition; keeps
    /// <c>lastTransitionTime</c> unless the status flips. Returns true when anything changed.
    /// </summary>
    public static bool Set(IConditionedStatus status, string type, string conditionStatus, string reason, string message, long? observedGeneration, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(status);
        var changed = status.ObservedGeneration != observedGeneration;
        status.ObservedGeneration = observedGeneration;
        if (status.Conditions is null)
        {
            status.Conditions = [];
            changed = true;
        }

        return Set(status.Conditions, type, conditionStatus, reason, message, observedGeneration, now) | changed;
    }

    /// <summary>Sets a True/False condition on <paramref name="status"/>; see <see cref="Set(IConditionedStatus, string, string, string, string, long?, DateTimeOffset)"/>.</summary>
    public static bool Set(IConditionedStatus status, string type, bool conditionStatus, string reason, string message, long? observedGeneration, DateTimeOffset now) =>
        Set(status, type, conditionStatus ? ConditionStatus.True : ConditionStatus.False, reason, message, observedGeneration, now);

    /// <summary>Sets a True/False condition; see <see cref="Set(IList{V1Condition}, string, string, string, string, long?, DateTimeOffset)"/>.</summary>
    public static bool Set(IList<V1Condition> conditions, string type, bool status, string reason, string message, long? observedGeneration, DateTimeOffset now) =>
        Set(conditions, type, status ? ConditionStatus.True : ConditionStatus.False, reason, message, observedGeneration, now);

}
