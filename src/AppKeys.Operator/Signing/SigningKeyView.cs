namespace AppKeys.Operator.Signing;

/// <summary>
/// An immutable snapshot of the key set for the issuance policy: "must the token signed by this kid be re-minted?".
/// Null (keys not loaded) never answers: nothing is re-minted on a guess.
/// </summary>
public sealed class SigningKeyView(SigningKeySet set, SigningKeySettings settings)
{
    public SigningKeySet Set { get; } = set;

    /// <summary>Why the token signed by <paramref name="keyId"/> (expiring at <paramref name="expiresAt"/>) must be re-minted; null when it may stay.</summary>
    public SigningKeyRemint? Remint(string? keyId, DateTimeOffset? expiresAt)
    {
        if (string.IsNullOrEmpty(keyId))
        {
            return null;
        }

        var key = Set.Find(keyId);
        return key?.State switch
        {
            null => new SigningKeyRemint(true, $"The signing key {keyId} of this token is gone (not in the key set); re-minting with the current key"),
            SigningKeyState.Revoked => new SigningKeyRemint(false, $"The signing key {keyId} of this token was revoked; re-minting with the current key"),
            SigningKeyState.Retired when settings.MustRemint(key.RetiredAt ?? DateTimeOffset.MinValue, expiresAt) =>
                new SigningKeyRemint(false, $"The signing key {keyId} of this token retired and the token outlives it; re-minting with the current key"),
            _ => null,
        };
    }
}
