using AppKeys.Operator.Apis;

namespace AppKeys.Operator.Controllers.RolloutRestarts;

/// <summary>What to do about one target: its record to keep, whether to patch it now, when to look again.</summary>
/// <param name="Target">The target.</param>
/// <param name="Record">The record to write to status (the one for after a successful patch when <paramref name="Patch"/>).</param>
/// <param name="Patch">Restart the target now (patch its pod template's restartedAt with <paramref name="At"/>).</param>
/// <param name="At">The restart time written into the pod template.</param>
/// <param name="Next">When to look at the target again by time alone; null: on the next change.</param>
public sealed record TargetDecision(V1Alpha1RolloutRestartTarget Target, V1Alpha1RolloutRestartStatus Record, bool Patch, DateTimeOffset At, DateTimeOffset? Next);
