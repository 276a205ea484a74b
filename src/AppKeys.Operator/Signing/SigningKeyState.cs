namespace AppKeys.Operator.Signing;

/// <summary>Where a signing key is in its life (kept in the signing Secret's <c>keys.json</c>).</summary>
public enum SigningKeyState
{
    /// <summary>Published in the JWKS, not signing yet: verifiers learn it before it signs.</summary>
    Next,

    /// <summary>Signs every new token (exactly one key).</summary>
    Current,

    /// <summary>No longer signs; published until every token it signed has expired plus clock skew and JWKS cache lifetime.</summary>
    Retired,

    /// <summary>Revoked in an emergency: not published, no private key kept; remembered so its tokens are re-minted.</summary>
    Revoked,
}
