namespace AppKeys.Runtime.Controllers;

/// <summary>
/// What a reconcile asks for next. Throwing an exception means failure: the key is retried with per-key
/// exponential backoff (a 409 Conflict is retried the same way but logged as routine).
/// </summary>
public readonly record struct ReconcileResult
{
    private ReconcileResult(TimeSpan? requeueAfter, bool backoff)
    {
        RequeueAfter = requeueAfter;
        Backoff = backoff;
    }

    /// <summary>Nothing more to do until the next event; the key's backoff is reset.</summary>
    public static ReconcileResult Done => default;

    /// <summary>Reconcile again with per-key backoff without counting an error (e.g. waiting on something else).</summary>
    public static ReconcileResult Retry => new(null, true);

    /// <summary>Time-based work: reconcile again after <see cref="RequeueAfter"/> (e.g. token renewal), null otherwise.</summary>
    public TimeSpan? RequeueAfter { get; }

    /// <summary>True for <see cref="Retry"/>.</summary>
    public bool Backoff { get; }

    /// <summary>Reconcile again after <paramref name="delay"/>; the key's backoff is reset.</summary>
    public static ReconcileResult After(TimeSpan delay) => new(delay < TimeSpan.Zero ? TimeSpan.Zero : delay, false);
}
