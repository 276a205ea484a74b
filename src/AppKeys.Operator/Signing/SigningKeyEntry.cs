using AppKeys.Credentials;

namespace AppKeys.Operator.Signing;

/// <summary>One key of the key set: public bookkeeping only (the private key is a separate PEM entry of the Secret).</summary>
/// <param name="KeyId">RFC 7638 thumbprint (<c>kid</c>).</param>
/// <param name="Algorithm">ES256 or RS256.</param>
/// <param name="State">Next, Current, Retired or Revoked.</param>
/// <param name="CreatedAt">When it was generated (and first published).</param>
/// <param name="ActivatedAt">When it started signing; null while Next.</param>
/// <param name="RetiredAt">When it stopped signing (Retired) or was revoked.</param>
/// <param name="KeepUntil">Retired/Revoked: earliest time it may leave the key set (only grows).</param>
/// <param name="RemintPending">Retired: tokens it signed that must be re-minted were still present at the last look.</param>
public sealed record SigningKeyEntry(
    string KeyId,
    SigningKeyAlgorithm Algorithm,
    SigningKeyState State,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ActivatedAt = null,
    DateTimeOffset? RetiredAt = null,
    DateTimeOffset? KeepUntil = null,
    bool RemintPending = false)
{
    /// <summary>Whether the key is in the JWKS.</summary>
    public bool IsPublished => State is not SigningKeyState.Revoked;
}
