namespace AppKeys.Operator.Controllers.Applications;

/// <summary>What an Application's Secret should hold, and what changed to get there (for events).</summary>
/// <param name="Data">The Secret's desired data.</param>
/// <param name="ApplicationId">The application's stable UUID.</param>
/// <param name="ObservedRegenerateRequest">Digest of the regenerate annotation last honoured (null: none yet).</param>
/// <param name="Generated">Key types whose consumer key and secret were newly generated.</param>
/// <param name="Regenerated">Key types whose consumer secret was regenerated on request (consumer key kept).</param>
/// <param name="ConsumerKeys">Consumer key of each enabled key type (public).</param>
public sealed record ApplicationCredentialsPlan(
    IDictionary<string, byte[]> Data,
    string ApplicationId,
    string? ObservedRegenerateRequest,
    IReadOnlyList<string> Generated,
    IReadOnlyList<string> Regenerated,
    IReadOnlyDictionary<string, string> ConsumerKeys)
{
    public bool HasChanges => Generated.Count > 0 || Regenerated.Count > 0;
}
