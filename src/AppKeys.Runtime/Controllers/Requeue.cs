namespace AppKeys.Runtime.Controllers;

/// <summary>
/// Scheduled requeues from due times (renewals, rotations, grace periods): the one place that turns "the earliest of
/// these instants" into a delay or a <see cref="ReconcileResult"/>, instead of a clamp helper per reconciler.
/// </summary>
public static class Requeue
{
    /// <summary>Delay used for a due time that has already passed: soon, but never a busy loop. 100 ms.</summary>
    public static readonly TimeSpan Overdue = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Time from <paramref name="now"/> until the earliest of <paramref name="dueTimes"/> (nulls ignored); zero when it
    /// has passed, never negative; null when none is set.
    /// </summary>
    public static TimeSpan? UntilEarliest(DateTimeOffset now, params ReadOnlySpan<DateTimeOffset?> dueTimes)
    {
        DateTimeOffset? earliest = null;
        foreach (var due in dueTimes)
        {
            if (due is { } d && (earliest is null || d < earliest))
            {
                earliest = d;
            }
        }

        return earliest is { } e ? (e > now ? e - now : TimeSpan.Zero) : null;
    }

    /// <summary>
    /// Reconcile again at the earliest of <paramref name="dueTimes"/>: after the time left plus <paramref name="slack"/>
    /// (e.g. 50 ms past a due time kept in whole seconds, so the reconcile wakes just after it, not just before),
    /// <see cref="Overdue"/> when it has passed, and at most <paramref name="max"/> (a periodic recheck). With no due
    /// time: after <paramref name="max"/> when given, else <see cref="ReconcileResult.Done"/>.
    /// </summary>
    public static ReconcileResult AtEarliest(DateTimeOffset now, TimeSpan? max, TimeSpan slack, params ReadOnlySpan<DateTimeOffset?> dueTimes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slack, TimeSpan.Zero);
        if (max is { } m)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(m, TimeSpan.Zero, nameof(max));
        }

        if (UntilEarliest(now, dueTimes) is not { } left)
        {
            return max is { } periodic ? ReconcileResult.After(periodic) : ReconcileResult.Done;
        }

        var delay = left <= TimeSpan.Zero ? Overdue : left + slack;
        return ReconcileResult.After(max is { } cap && delay > cap ? cap : delay);
    }
}
