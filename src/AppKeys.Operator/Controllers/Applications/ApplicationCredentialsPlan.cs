namespace AppKeys.Operator.Controllers.Applications;

/// <summary>What an Application's Secret should hold, what to record in status, and what changed to get there (for events).</summary>
/// <param name="Data">The Secret's desired data.</param>
/// <param name="ApplicationId">The application's stable UUID.</param>
/// <param name="ObservedRegenerateRequest">Digest of the regenerate annotation last honoured (null: none yet).</param>
/// <param name="Generated">Key types whose consumer key and secret were newly generated.</param>
/// <param name="Regenerated">Key types whose consumer secret was regenerated (consumer key kept), with the <see cref="RegenerationReasons"/> value.</param>
/// <param name="Tampered">What in the Secret disagreed with the record and was repaired (names, never values).</param>
public sealed record ApplicationCredentialsPlan(
    IDictionary<string, byte[]> Data,
    string ApplicationId,
    string? ObservedRegenerateRequest,
    IReadOnlyList<string> Generated,
    IReadOnlyDictionary<string, string> Regenerated,
    IReadOnlyList<string> Tampered)
{
    /// <summary>Consumer key of each enabled key type (public).</summary>
    public IReadOnlyDictionary<string, string> ConsumerKeys { get; init; } = new Dictionary<string, string>();

    /// <summary>Digest of each enabled key type's current consumer secret (recorded in status).</summary>
    public IReadOnlyDictionary<string, string> SecretHashes { get; init; } = new Dictionary<string, string>();

    /// <summary>Digest of each previous consumer secret in its grace period.</summary>
    public IReadOnlyDictionary<string, string> PreviousSecretHashes { get; init; } = new Dictionary<string, string>();

    /// <summary>When the consumer secret of each key type was generated, for key types that record it (rotation configured).</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> SecretCreatedAt { get; init; } = new Dictionary<string, DateTimeOffset>();

    /// <summary>Key types with a previous consumer secret in its grace period, and when it expires.</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> PreviousSecretExpiresAt { get; init; } = new Dictionary<string, DateTimeOffset>();

    /// <summary>Key types whose previous consumer secret was removed by this plan.</summary>
    public IReadOnlyList<string> PreviousExpired { get; init; } = [];

    /// <summary>The next instant the plan changes by time alone (a previous secret expires, a period ends); null: none.</summary>
    public DateTimeOffset? NextChange { get; init; }

    public bool HasChanges => Generated.Count > 0 || Regenerated.Count > 0 || PreviousExpired.Count > 0 || Tampered.Count > 0;
}
