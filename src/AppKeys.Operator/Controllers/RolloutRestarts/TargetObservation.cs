namespace AppKeys.Operator.Controllers.RolloutRestarts;

/// <summary>What a GET of one target showed (no secret material: the pod template is reduced to these facts).</summary>
/// <param name="Found">The workload exists.</param>
/// <param name="ConsumesSecret">Its pod template uses the resource's Secret (volume, projected volume, env, envFrom).</param>
/// <param name="RestartedAt">Its pod template's <c>kubectl.kubernetes.io/restartedAt</c>, when set and readable.</param>
/// <param name="Failure">Why it could not be read: <see cref="RolloutRestartResults.Forbidden"/> or <see cref="RolloutRestartResults.Failed"/>; null when it was.</param>
/// <param name="Detail">The failure in words (the API server's Status reason and code), or null.</param>
public sealed record TargetObservation(bool Found, bool ConsumesSecret, DateTimeOffset? RestartedAt, string? Failure = null, string? Detail = null)
{
    public static readonly TargetObservation Missing = new(false, false, null);

    public static TargetObservation Failing(string failure, string detail) => new(false, false, null, failure, detail);
}
