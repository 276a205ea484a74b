using AppKeys.Runtime.Events;
using AppKeys.Runtime.Status;
using k8s.Models;

namespace AppKeys.Operator.Controllers;

/// <summary>
/// The one warning-event policy of both kinds: a Warning is planned when the Ready condition turns False or changes
/// its reason, never again while it stays the same (a conflict re-checked every 30 s raises one Event, not one per
/// check). Repeats that do happen are aggregated by the runtime's event recorder.
/// </summary>
public static class WarningEvents
{
    public static PlannedEvent? OnTransition(IEnumerable<V1Condition>? previous, NotReady? problem)
    {
        if (problem is null)
        {
            return null;
        }

        var before = Conditions.Find(previous, ConditionTypes.Ready);
        return before is not null && before.Status == ConditionStatus.False && before.Reason == problem.Reason
            ? null
            : new PlannedEvent(EventTypes.Warning, problem.Reason, problem.Message);
    }
}
