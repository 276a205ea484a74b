namespace AppKeys.Operator.Signing;

/// <summary>
/// The signing keys and their states, as kept in the signing Secret. Immutable; <see cref="SigningKeyPlanner"/> turns one
/// into the next.
/// </summary>
/// <param name="Keys">Every key, in a stable order (creation time, then kid).</param>
/// <param name="ObservedRotateRequest">Digest of the last honoured <c>appkeys.io/rotate</c> value.</param>
/// <param name="ObservedRevokeRequest">Digest of the last honoured <c>appkeys.io/revoke-signing-key</c> value.</param>
/// <param name="RotationRequested">A rotation was asked for and the next key has not become current yet.</param>
public sealed record SigningKeySet(
    IReadOnlyList<SigningKeyEntry> Keys,
    string? ObservedRotateRequest = null,
    string? ObservedRevokeRequest = null,
    bool RotationRequested = false)
{
    public static readonly SigningKeySet Empty = new([]);

    public SigningKeyEntry? Current => Keys.FirstOrDefault(k => k.State == SigningKeyState.Current);

    public SigningKeyEntry? Next => Keys.FirstOrDefault(k => k.State == SigningKeyState.Next);

    /// <summary>The keys in the JWKS: current first (validators that try keys in order find it quickest), then next, then retired.</summary>
    public IEnumerable<SigningKeyEntry> Published => Keys.Where(k => k.IsPublished).OrderBy(k => k.State);

    public SigningKeyEntry? Find(string keyId) => Keys.FirstOrDefault(k => k.KeyId == keyId);

    public bool Equivalent(SigningKeySet other) =>
        other is not null
        && Keys.SequenceEqual(other.Keys)
        && ObservedRotateRequest == other.ObservedRotateRequest
        && ObservedRevokeRequest == other.ObservedRevokeRequest
        && RotationRequested == other.RotationRequested;
}
