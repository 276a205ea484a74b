namespace AppKeys.Operator.KeyManager;

/// <summary>
/// The claims of a JWT this operator signed, as introspection needs them; <c>KeyUid</c> is <c>appkey_uid</c>, the
/// ApplicationKey the token was issued for (null for token-endpoint tokens and key tokens issued before it existed).
/// </summary>
public sealed record JwtClaims(
    string TokenId,
    string ConsumerKey,
    string KeyType,
    IReadOnlyList<string> Scopes,
    DateTimeOffset IssuedAt,
    DateTimeOffset NotBefore,
    DateTimeOffset? ExpiresAt,
    string Subject,
    IReadOnlyList<string> Audiences,
    string Issuer,
    string? ApplicationNamespace,
    string? ApplicationName,
    string? KeyUid = null);
