namespace AppKeys.Operator.Controllers.Applications;

/// <summary>An Application's effective <c>spec.secretRotation</c>; null on the spec means no rotation at all (today's behaviour).</summary>
/// <param name="GracePeriod">How long a regenerated consumer secret stays valid beside the new one (zero: not at all).</param>
/// <param name="Period">Age after which a consumer secret is regenerated automatically; null: only on request.</param>
public sealed record SecretRotationSettings(TimeSpan GracePeriod, TimeSpan? Period);
