namespace AppKeys.Operator.Controllers;

/// <summary>How the operator's plans are re-checked in time (the requeue itself is the runtime's <c>Requeue.AtEarliest</c>).</summary>
public static class Rechecks
{
    /// <summary>Longest scheduled requeue: long lifetimes and periods are re-checked at least this often.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromHours(12);

    /// <summary>How often a Secret conflict is re-checked (a foreign Secret is not watched).</summary>
    public static readonly TimeSpan Conflict = TimeSpan.FromSeconds(30);

    /// <summary>Times in status are whole seconds: wake just after one.</summary>
    public static readonly TimeSpan Slack = TimeSpan.FromMilliseconds(50);

    /// <summary>The reconcile result for a plan's next due time (none: nothing until the next event).</summary>
    public static Runtime.Controllers.ReconcileResult For(DateTimeOffset? next, DateTimeOffset now) =>
        next is null ? Runtime.Controllers.ReconcileResult.Done : Runtime.Controllers.Requeue.AtEarliest(now, Max, Slack, next);
}
