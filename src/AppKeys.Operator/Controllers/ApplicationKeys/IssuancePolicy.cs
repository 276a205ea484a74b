using AppKeys.Credentials;

namespace AppKeys.Operator.Controllers.ApplicationKeys;

/// <summary>
/// "Does this key need a new token, and why?" A chain of checks in the spirit of cert-manager's issuance policies;
/// the first that fires wins. Pure: the same state always gives the same answer.
/// </summary>
public static class IssuancePolicy
{
    private static readonly Func<IssuanceState, IssuanceDecision?>[] Chain =
    [
        SecretMissing,
        SecretTampered,
        SpecChanged,
        ConsumerSecretRegenerated,
        RenewRequested,
        SigningKeyReplaced,
        Expiring,
    ];

    public static IssuanceDecision? Evaluate(IssuanceState state) =>
        Chain.Select(check => check(state)).FirstOrDefault(decision => decision is not null);

    /// <summary>When the token in <paramref name="record"/> is due for renewal; null when it never expires.</summary>
    public static DateTimeOffset? RenewalTime(KeySecretRecord record, TimeSpan? renewBefore) =>
        record.IssuedAt is { } issuedAt ? ValidityPolicy.RenewalTime(issuedAt, record.ExpiresAt, renewBefore) : null;

    /// <summary>The digest recorded for a renew request value (null when there is none).</summary>
    public static string? RequestHash(string? requestValue) => string.IsNullOrEmpty(requestValue) ? null : Hashes.Of(requestValue);

    private static IssuanceDecision? SecretMissing(IssuanceState s) => s.Secret is not null ? null
        : s.PreviousRevision == 0
            ? new IssuanceDecision(IssuanceReasons.Initial, "Issuing the first token")
            : new IssuanceDecision(IssuanceReasons.SecretMissing, "The Secret was deleted; issuing a new token");

    private static IssuanceDecision? SecretTampered(IssuanceState s) => s.Secret!.Intact ? null
        : new IssuanceDecision(IssuanceReasons.SecretTampered, "The Secret's data was changed or is incomplete; issuing a new token");

    private static IssuanceDecision? SpecChanged(IssuanceState s) => Hashes.Equal(s.Secret!.IssuanceHash, s.ExpectedIssuanceHash) ? null
        : new IssuanceDecision(IssuanceReasons.SpecChanged, "The key's spec, its Application or the issuer settings changed; issuing a new token");

    private static IssuanceDecision? ConsumerSecretRegenerated(IssuanceState s) => s.SecretConsumerSecretMatches ? null
        : new IssuanceDecision(IssuanceReasons.ConsumerSecretRegenerated, "The Application's consumer secret was regenerated; issuing a new token");

    private static IssuanceDecision? RenewRequested(IssuanceState s) =>
        RequestHash(s.RenewRequest) is { } requested && !Hashes.Equal(requested, s.Secret!.ObservedRenewRequest)
            ? new IssuanceDecision(IssuanceReasons.RenewRequested, "Renewal was requested with the appkeys.io/renew annotation")
            : null;

    /// <summary>The token's signing key is gone, revoked, or retiring while the token outlives it: re-mint with the current key.</summary>
    private static IssuanceDecision? SigningKeyReplaced(IssuanceState s) =>
        s.SigningKeys?.Remint(s.TokenSigningKeyId, s.Secret!.ExpiresAt) is { } remint
            ? new IssuanceDecision(remint.Lost ? IssuanceReasons.SigningKeyLost : IssuanceReasons.SigningKeyRotated, remint.Message)
            : null;

    private static IssuanceDecision? Expiring(IssuanceState s) =>
        RenewalTime(s.Secret!, s.RenewBefore) is { } renewal && s.Now >= renewal
            ? new IssuanceDecision(IssuanceReasons.Expiring, $"The token reached its renewal time {Rfc3339.ToString(renewal)}")
            : null;
}
