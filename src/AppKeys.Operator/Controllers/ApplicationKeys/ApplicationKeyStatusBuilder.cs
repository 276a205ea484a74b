using AppKeys.Operator.Apis;
using AppKeys.Runtime.Status;

namespace AppKeys.Operator.Controllers.ApplicationKeys;

/// <summary>
/// Computes an ApplicationKey's status from the record in its Secret (so it can always be rebuilt after a restart) and
/// the readiness verdict. Only public facts: consumer key, times, scopes, token id, revision.
/// </summary>
public static class ApplicationKeyStatusBuilder
{
    /// <param name="key">The key as observed.</param>
    /// <param name="spec">Its effective spec.</param>
    /// <param name="secret">The record of the Secret the key controls, or null when there is none.</param>
    /// <param name="problem">Why the key is not Ready, or null when its token is valid and in the Secret.</param>
    /// <param name="now">The current time.</param>
    public static V1Alpha1ApplicationKeyStatus Build(V1Alpha1ApplicationKey key, EffectiveKeySpec spec, KeySecretRecord? secret, NotReady? problem, DateTimeOffset now)
    {
        var previous = key.Status;
        var status = new V1Alpha1ApplicationKeyStatus
        {
            Conditions = ConditionCopies.Of(previous?.Conditions),
            ObservedGeneration = key.Metadata.Generation,
            Revision = Math.Max(secret?.Revision ?? 0, previous?.Revision ?? 0) is var revision and > 0 ? revision : null,
        };

        if (secret is not null)
        {
            status.ConsumerKey = secret.ConsumerKey;
            status.KeyType = secret.KeyType;
            status.TokenType = secret.TokenType;
            status.Scopes = [.. secret.Scopes];
            status.IssuedAt = secret.IssuedAt?.UtcDateTime;
            status.ExpiresAt = secret.ExpiresAt?.UtcDateTime;
            status.RenewalTime = IssuancePolicy.RenewalTime(secret, spec.RenewBeforeSpan)?.UtcDateTime;
            status.SecretName = spec.SecretName;
            status.TokenId = secret.TokenId;
        }

        var (ready, reason, message) = problem is null
            ? (true, ConditionReasons.Issued, ReadyMessage(secret, status))
            : (false, problem.Reason, problem.Message);
        Conditions.Set(status.Conditions!, ConditionTypes.Ready, ready, reason, message, key.Metadata.Generation, now);
        return status;
    }

    private static string ReadyMessage(KeySecretRecord? secret, V1Alpha1ApplicationKeyStatus status) =>
        secret is null ? "No token issued yet"
        : status.ExpiresAt is null ? $"Token {secret.TokenId} (revision {secret.Revision}) is in Secret {status.SecretName} and never expires"
        : $"Token {secret.TokenId} (revision {secret.Revision}) is in Secret {status.SecretName}; it expires at {Rfc3339.ToString(status.ExpiresAt.Value)} and is renewed at {(status.RenewalTime is { } r ? Rfc3339.ToString(r) : "-")}";
}
