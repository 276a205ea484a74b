namespace AppKeys.Operator.Controllers.ApplicationKeys;

/// <summary>What <see cref="IssuancePolicy"/> looks at.</summary>
/// <param name="Secret">The record of the Secret the key controls, or null when there is none.</param>
/// <param name="PreviousRevision">The revision in the key's status (tells a first issuance from a deleted Secret).</param>
/// <param name="ExpectedIssuanceHash">Digest of the current <see cref="IssuanceInputs"/>.</param>
/// <param name="SecretConsumerSecretMatches">Whether the Secret's consumerSecret equals the Application's current one (compared in constant time by the caller).</param>
/// <param name="RenewRequest">Current value of the <c>appkeys.io/renew</c> annotation.</param>
/// <param name="RenewBefore">The key's renewBefore (null: one third of the lifetime).</param>
/// <param name="Now">The current time.</param>
/// <param name="TokenSigningKeyId">The <c>kid</c> of the Secret's JWT (null: opaque or none).</param>
/// <param name="SigningKeys">The signing key set (null until loaded: then nothing is decided about keys).</param>
public sealed record IssuanceState(
    KeySecretRecord? Secret,
    long PreviousRevision,
    string ExpectedIssuanceHash,
    bool SecretConsumerSecretMatches,
    string? RenewRequest,
    TimeSpan? RenewBefore,
    DateTimeOffset Now,
    string? TokenSigningKeyId = null,
    Signing.SigningKeyView? SigningKeys = null);
