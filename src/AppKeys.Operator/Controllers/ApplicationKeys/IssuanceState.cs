namespace AppKeys.Operator.Controllers.ApplicationKeys;

/// <summary>What <see cref="IssuancePolicy"/> looks at: the record in status, the token the Secret holds, the request.</summary>
/// <param name="Record">The key's token record (status), or null when none was issued (or it was withdrawn).</param>
/// <param name="SecretExists">Whether the key has a Secret of its own at <c>spec.secretName</c>.</param>
/// <param name="HoldsRecordedToken">Whether that Secret holds the recorded token (read from the token itself).</param>
/// <param name="PreviousRevision">The revision in status (tells a first issuance from a lost token).</param>
/// <param name="ExpectedIssuanceHash">Digest of the current <see cref="IssuanceInputs"/>.</param>
/// <param name="ConsumerSecretMatches">Whether the Secret's consumer secret is the Application's current one (constant-time, by the caller).</param>
/// <param name="RenewRequest">Current value of the <c>appkeys.io/renew</c> annotation.</param>
/// <param name="RenewBefore">The key's effective renewBefore (null: never expires).</param>
/// <param name="Now">The current time.</param>
/// <param name="TokenSigningKeyId">The <c>kid</c> of the Secret's JWT (null: opaque or none).</param>
/// <param name="SigningKeys">The signing key set (null until loaded: then nothing is decided about keys).</param>
public sealed record IssuanceState(
    TokenRecord? Record,
    bool SecretExists,
    bool HoldsRecordedToken,
    long PreviousRevision,
    string ExpectedIssuanceHash,
    bool ConsumerSecretMatches,
    string? RenewRequest,
    TimeSpan? RenewBefore,
    DateTimeOffset Now,
    string? TokenSigningKeyId = null,
    Signing.SigningKeyView? SigningKeys = null);
