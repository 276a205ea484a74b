using AppKeys.Operator.Apis;

namespace AppKeys.Operator.Controllers.ApplicationKeys;

/// <summary>What a reconcile of one key does: at most one Secret write, the deletes, the status, the events, when next.</summary>
/// <param name="Secret">The write of the key's Secret, or null.</param>
/// <param name="Deletes">Secrets of the key's to delete (with preconditions).</param>
/// <param name="Status">The status to write (through /status) when it differs; null: leave status alone (waiting).</param>
/// <param name="Events">Events to record.</param>
/// <param name="Next">When to look again by time alone; null: on the next event.</param>
/// <param name="Issued">The reason a token was issued, for the metric; null when none was.</param>
/// <param name="Tampered">A Secret of the key's was changed by someone else and is being repaired (for the metric).</param>
/// <param name="Revoke">A token to revoke first: durable in the API server before the Secret is written (null: none).</param>
public sealed record KeyPlan(
    SecretWrite? Secret,
    IReadOnlyList<SecretDelete> Deletes,
    V1Alpha1ApplicationKeyStatus? Status,
    IReadOnlyList<PlannedEvent> Events,
    DateTimeOffset? Next,
    string? Issued,
    bool Tampered,
    TokenRevocation? Revoke = null)
{
    /// <summary>Nothing to do until the next event.</summary>
    public static readonly KeyPlan Wait = new(null, [], null, [], null, null, false);
}
