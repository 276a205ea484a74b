namespace AppKeys.Operator.KeyManager;

/// <summary>
/// What a token this operator issued says, before deciding whether it is active. <c>Namespace</c> is the
/// Application's namespace when the token names it (JWT, ApplicationKey token); <c>ApplicationName</c> the
/// Application's name when known (ApplicationKey token). <c>Fingerprint</c>: of a sealed token, the id an
/// ApplicationKey's status records for it (a revocation by <c>appkeys.io/revoke</c> lists that id). <c>KeyUid</c>:
/// the uid of the ApplicationKey the token is bound to (JWT <c>appkey_uid</c>, sealed <c>ak2.</c>); such a token is
/// active only while that key exists.
/// </summary>
public sealed record IssuedTokenClaims(
    string TokenId,
    string ConsumerKey,
    string KeyType,
    bool IsJwt,
    IReadOnlyList<string> Scopes,
    DateTimeOffset IssuedAt,
    DateTimeOffset NotBefore,
    DateTimeOffset? ExpiresAt,
    string Subject,
    IReadOnlyList<string> Audiences,
    string Issuer,
    string? Namespace,
    string? ApplicationName,
    string? Fingerprint = null,
    string? KeyUid = null);
