namespace AppKeys.Operator.Controllers.Applications;

/// <summary>What an Application's Secret should hold, and what changed to get there (for events).</summary>
/// <param name="Data">The Secret's desired data.</param>
/// <param name="ApplicationId">The application's stable UUID.</param>
/// <param name="ObservedRegenerateRequest">Digest of the regenerate annotation last honoured (null: none yet).</param>
/// <param name="Generated">Key types whose consumer key and secret were newly generated.</param>
/// <param name="Regenerated">Key types whose consumer secret was regenerated (consumer key kept), with the <see cref="RegenerationReasons"/> value.</param>
/// <param name="ConsumerKeys">Consumer key of each enabled key type (public).</param>
/// <param name="SecretCreatedAt">When the consumer secret of each key type was generated, for key types that record it (rotation configured).</param>
/// <param name="PreviousSecretExpiresAt">Key types with a previous consumer secret in its grace period, and when it expires.</param>
/// <param name="PreviousExpired">Key types whose previous consumer secret was removed by this plan.</param>
/// <param name="NextChange">The next instant the plan changes by time alone (a previous secret expires, a period ends); null: none.</param>
public sealed record ApplicationCredentialsPlan(
    IDictionary<string, byte[]> Data,
    string ApplicationId,
    string? ObservedRegenerateRequest,
    IReadOnlyList<string> Generated,
    IReadOnlyDictionary<string, string> Regenerated,
    IReadOnlyDictionary<string, string> ConsumerKeys,
    IReadOnlyDictionary<string, DateTimeOffset> SecretCreatedAt,
    IReadOnlyDictionary<string, DateTimeOffset> PreviousSecretExpiresAt,
    IReadOnlyList<string> PreviousExpired,
    DateTimeOffset? NextChange)
{
    public bool HasChanges => Generated.Count > 0 || Regenerated.Count > 0 || PreviousExpired.Count > 0;
}
