using AppKeys.Credentials;

namespace AppKeys.Operator.Controllers.ApplicationKeys;

/// <summary>
/// "Does this key need a new token, and why?" A chain of checks in the spirit of cert-manager's issuance policies;
/// the first that fires wins. Pure and total: every check answers for every state, whatever ran before it.
/// </summary>
public static class IssuancePolicy
{
    private static readonly Func<IssuanceState, IssuanceDecision?>[] Chain =
    [
        NoToken,
        ConsumerSecretRegenerated,
        SpecChanged,
        RenewRequested,
        SigningKeyReplaced,
        Expiring,
    ];

    public static IssuanceDecision? Evaluate(IssuanceState state) =>
        Chain.Select(check => check(state)).FirstOrDefault(decision => decision is not null);

    /// <summary>When the token in <paramref name="record"/> is due for renewal (whole seconds); null when it never expires.</summary>
    public static DateTimeOffset? RenewalTime(TokenRecord record, TimeSpan? renewBefore) =>
        ValidityPolicy.RenewalTime(record.IssuedAt, record.ExpiresAt, renewBefore) is { } renewal
            ? new DateTimeOffset(renewal.UtcTicks - (renewal.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero)
            : null;

    /// <summary>The digest recorded for a renew request value (null when there is none).</summary>
    public static string? RequestHash(string? requestValue) => string.IsNullOrEmpty(requestValue) ? null : Hashes.Of(requestValue);

    /// <summary>
    /// A new <c>appkeys.io/revoke</c> value while status records a token: that token (the recorded one, whether or
    /// not the Secret still holds it) must be revoked, and the key gets a new token. Outside <see cref="Chain"/>
    /// because it comes first whatever else holds: any issuance records the request as honoured, so the revocation
    /// must never be skipped by another reason winning.
    /// </summary>
    public static IssuanceDecision? RevokeRequested(TokenRecord? recorded, string? revokeRequest) =>
        recorded is not null && RequestHash(revokeRequest) is { } requested && !Hashes.Equal(requested, recorded.ObservedRevokeRequest)
            ? new IssuanceDecision(IssuanceReasons.Revoked, $"Revocation of token {recorded.TokenId} was requested with the appkeys.io/revoke annotation")
            : null;

    private static IssuanceDecision? NoToken(IssuanceState s) =>
        s.Record is not null && s.HoldsRecordedToken ? null
        : s.SecretExists ? new IssuanceDecision(IssuanceReasons.SecretTampered, "The Secret does not hold the token the key's status records; issuing a new token")
        : s.PreviousRevision == 0 ? new IssuanceDecision(IssuanceReasons.Initial, "Issuing the first token")
        : new IssuanceDecision(IssuanceReasons.SecretMissing, "The key has no token in a Secret; issuing a new token");

    private static IssuanceDecision? ConsumerSecretRegenerated(IssuanceState s) => s.ConsumerSecretMatches ? null
        : new IssuanceDecision(IssuanceReasons.ConsumerSecretRegenerated, "The Application's consumer secret was regenerated; issuing a new token");

    private static IssuanceDecision? SpecChanged(IssuanceState s) => Hashes.Equal(s.Record?.IssuanceHash, s.ExpectedIssuanceHash) ? null
        : new IssuanceDecision(IssuanceReasons.SpecChanged, "The key's spec, its Application or the issuer settings changed; issuing a new token");

    private static IssuanceDecision? RenewRequested(IssuanceState s) =>
        RequestHash(s.RenewRequest) is { } requested && !Hashes.Equal(requested, s.Record?.ObservedRenewRequest)
            ? new IssuanceDecision(IssuanceReasons.RenewRequested, "Renewal was requested with the appkeys.io/renew annotation")
            : null;

    /// <summary>The token's signing key is gone, revoked, or retiring while the token outlives it: re-mint with the current key.</summary>
    private static IssuanceDecision? SigningKeyReplaced(IssuanceState s) =>
        s.Record is { } record && s.SigningKeys?.Remint(s.TokenSigningKeyId, record.ExpiresAt) is { } remint
            ? new IssuanceDecision(remint.Lost ? IssuanceReasons.SigningKeyLost : IssuanceReasons.SigningKeyRotated, remint.Message)
            : null;

    private static IssuanceDecision? Expiring(IssuanceState s) =>
        s.Record is { } record && RenewalTime(record, s.RenewBefore) is { } renewal && s.Now >= renewal
            ? new IssuanceDecision(IssuanceReasons.Expiring, $"The token reached its renewal time {Rfc3339.ToString(renewal)}")
            : null;
}
