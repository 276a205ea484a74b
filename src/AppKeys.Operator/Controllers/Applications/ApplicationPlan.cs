using AppKeys.Operator.Apis;

namespace AppKeys.Operator.Controllers.Applications;

/// <summary>What a reconcile of one Application does: at most one Secret write, the deletes, the status, the events, when next.</summary>
/// <param name="Secret">The write of the credentials Secret, or null.</param>
/// <param name="Deletes">The former Secret after a rename (with preconditions).</param>
/// <param name="Status">The status to write (through /status) when it differs.</param>
/// <param name="Events">Events to record.</param>
/// <param name="Next">When to look again by time alone; null: on the next event.</param>
/// <param name="Regenerated">Consumer secrets regenerated, by reason (for the metric).</param>
/// <param name="Tampered">The Secret disagreed with the record and is repaired (for the metric).</param>
public sealed record ApplicationPlan(
    SecretWrite? Secret,
    IReadOnlyList<SecretDelete> Deletes,
    V1Alpha1ApplicationStatus Status,
    IReadOnlyList<PlannedEvent> Events,
    DateTimeOffset? Next,
    IReadOnlyDictionary<string, string> Regenerated,
    bool Tampered);
