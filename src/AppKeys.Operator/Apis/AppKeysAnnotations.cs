namespace AppKeys.Operator.Apis;

/// <summary>Annotations read or written by the operator. None of them ever holds secret material.</summary>
public static class AppKeysAnnotations
{
    /// <summary>On an Application: set to a new value to regenerate its consumer secrets (consumer keys stay).</summary>
    public const string RegenerateSecret = "appkeys.io/regenerate-secret";

    /// <summary>On an ApplicationKey: set to a new value to issue a new token now.</summary>
    public const string Renew = "appkeys.io/renew";

    /// <summary>
    /// On an ApplicationKey: set to a new value to revoke the current token now (every replica's introspection says
    /// inactive) and issue a new one.
    /// </summary>
    public const string Revoke = "appkeys.io/revoke";

    /// <summary>On a managed Secret: SHA-256 of the last honoured request annotation value.</summary>
    public const string ObservedRequest = "appkeys.io/observed-request";

    /// <summary>On a managed Secret: SHA-256 over its data as written, to detect tampering.</summary>
    public const string DataHash = "appkeys.io/data-hash";

    /// <summary>On a key Secret: SHA-256 over the inputs the token was issued from (spec, application, issuer).</summary>
    public const string IssuanceHash = "appkeys.io/issuance-hash";

    /// <summary>On a key Secret: when the token was issued (RFC 3339).</summary>
    public const string IssuedAt = "appkeys.io/issued-at";

    /// <summary>On a key Secret: the token's <c>jti</c> or the opaque token's fingerprint.</summary>
    public const string TokenId = "appkeys.io/token-id";

    /// <summary>On a key Secret: how many tokens have been issued for the key.</summary>
    public const string Revision = "appkeys.io/revision";
}
