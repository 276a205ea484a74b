using k8s.Models;

namespace AppKeys.Operator.Controllers;

/// <summary>Deep copies of conditions, so computing a new status never mutates the observed one.</summary>
public static class ConditionCopies
{
    public static IList<V1Condition> Of(IEnumerable<V1Condition>? conditions) =>
        [.. (conditions ?? []).Select(c => new V1Condition
        {
            Type = c.Type,
            Status = c.Status,
            Reason = c.Reason,
            Message = c.Message,
            ObservedGeneration = c.ObservedGeneration,
            LastTransitionTime = c.LastTransitionTime,
        })];
}
