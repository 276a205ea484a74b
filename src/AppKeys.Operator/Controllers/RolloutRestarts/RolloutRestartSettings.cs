namespace AppKeys.Operator.Controllers.RolloutRestarts;

/// <summary>How often targets may be restarted, and how soon a failed look is retried.</summary>
/// <param name="MinInterval">At most one restart per target per this interval (<c>--rollout-restart-min-interval</c>).</param>
/// <param name="FailureRetry">A target that could not be read or patched (5xx, 429, ...) is looked at again after this.</param>
/// <param name="ForbiddenRetry">A target the operator may not get or patch is looked at again after this (the RBAC may be installed later).</param>
public sealed record RolloutRestartSettings(TimeSpan MinInterval, TimeSpan FailureRetry, TimeSpan ForbiddenRetry)
{
    public static readonly TimeSpan DefaultMinInterval = TimeSpan.FromMinutes(2);

    /// <summary>The shortest interval the flag accepts.</summary>
    public static readonly TimeSpan ShortestMinInterval = TimeSpan.FromSeconds(10);

    public static RolloutRestartSettings For(TimeSpan minInterval) => new(minInterval, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5));
}
