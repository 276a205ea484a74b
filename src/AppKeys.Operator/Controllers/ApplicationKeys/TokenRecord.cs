using AppKeys.Operator.Apis;

namespace AppKeys.Operator.Controllers.ApplicationKeys;

/// <summary>
/// The operator's record of a key's current token, kept in the key's status (written only through /status): what
/// status, renewal and every decision derive from. The Secret's annotations are only a copy for humans and tools.
/// </summary>
public sealed record TokenRecord(
    string ConsumerKey,
    string KeyType,
    string TokenType,
    IReadOnlyList<string> Scopes,
    string TokenId,
    DateTimeOffset IssuedAt,
    DateTimeOffset? ExpiresAt,
    long Revision,
    string IssuanceHash,
    string? ObservedRenewRequest,
    string? ObservedRevokeRequest = null)
{
    /// <summary>The record in <paramref name="status"/>, or null when it records no token (or an incomplete one).</summary>
    public static TokenRecord? FromStatus(V1Alpha1ApplicationKeyStatus? status) =>
        status is { TokenId: { } tokenId, ConsumerKey: { } consumerKey, KeyType: { } keyType, TokenType: { } tokenType, IssuedAt: { } issuedAt, IssuanceHash: { } issuanceHash }
            ? new TokenRecord(
                consumerKey,
                keyType,
                tokenType,
                [.. status.Scopes ?? []],
                tokenId,
                new DateTimeOffset(DateTime.SpecifyKind(issuedAt, DateTimeKind.Utc)),
                status.ExpiresAt is { } expiresAt ? new DateTimeOffset(DateTime.SpecifyKind(expiresAt, DateTimeKind.Utc)) : null,
                status.Revision ?? 0,
                issuanceHash,
                status.ObservedRenewRequest,
                status.ObservedRevokeRequest)
            : null;
}
