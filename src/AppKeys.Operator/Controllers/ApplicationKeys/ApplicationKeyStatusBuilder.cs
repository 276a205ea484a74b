using AppKeys.Operator.Apis;
using AppKeys.Runtime.Status;

namespace AppKeys.Operator.Controllers.ApplicationKeys;

/// <summary>
/// Computes an ApplicationKey's status from the token record and the readiness verdict. Only public facts: consumer
/// key, times (whole seconds), scopes, token id, revision, digests, and the Secrets the operator wrote.
/// </summary>
public static class ApplicationKeyStatusBuilder
{
    /// <param name="key">The key as observed.</param>
    /// <param name="spec">Its effective spec.</param>
    /// <param name="record">The current token's record, or null when the key holds no token.</param>
    /// <param name="problem">Why the key is not Ready, or null when its token is valid and in the Secret.</param>
    /// <param name="secrets">The Secrets the operator wrote for the key and has not deleted.</param>
    /// <param name="now">The current time.</param>
    public static V1Alpha1ApplicationKeyStatus Build(V1Alpha1ApplicationKey key, EffectiveKeySpec spec, TokenRecord? record, NotReady? problem, IReadOnlyList<V1Alpha1WrittenSecret> secrets, DateTimeOffset now)
    {
        var previous = key.Status;
        var revision = Math.Max(record?.Revision ?? 0, previous?.Revision ?? 0);
        var status = new V1Alpha1ApplicationKeyStatus
        {
            Conditions = Conditions.Copy(previous?.Conditions),
            ObservedGeneration = key.Metadata.Generation,
            Revision = revision > 0 ? revision : null,
            Secrets = secrets.Count == 0 ? null : [.. secrets.Select(s => new V1Alpha1WrittenSecret { Name = s.Name, Uid = s.Uid, ResourceVersion = s.ResourceVersion })],
        };

        if (record is not null)
        {
            status.ConsumerKey = record.ConsumerKey;
            status.KeyType = record.KeyType;
            status.TokenType = record.TokenType;
            status.Scopes = [.. record.Scopes];
            status.IssuedAt = record.IssuedAt.UtcDateTime;
            status.ExpiresAt = record.ExpiresAt?.UtcDateTime;
            status.RenewalTime = IssuancePolicy.RenewalTime(record, spec.RenewBeforeSpan)?.UtcDateTime;
            status.SecretName = spec.SecretName;
            status.TokenId = record.TokenId;
            status.IssuanceHash = record.IssuanceHash;
            status.ObservedRenewRequest = record.ObservedRenewRequest;
            status.ObservedRevokeRequest = record.ObservedRevokeRequest;
        }

        var (ready, reason, message) = problem is null
            ? (true, ConditionReasons.Issued, ReadyMessage(record, status))
            : (false, problem.Reason, problem.Message);
        Conditions.Set(status, ConditionTypes.Ready, ready, reason, message, key.Metadata.Generation, now);
        return status;
    }

    private static string ReadyMessage(TokenRecord? record, V1Alpha1ApplicationKeyStatus status) =>
        record is null ? "No token issued yet"
        : status.ExpiresAt is null ? $"Token {record.TokenId} (revision {record.Revision}) is in Secret {status.SecretName} and never expires"
        : $"Token {record.TokenId} (revision {record.Revision}) is in Secret {status.SecretName}; it expires at {Rfc3339.ToString(status.ExpiresAt.Value)} and is renewed at {(status.RenewalTime is { } r ? Rfc3339.ToString(r) : "-")}";
}
