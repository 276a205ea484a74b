namespace AppKeys.Operator.KeyManager;

/// <summary>The claims of a JWT this operator signed, as introspection needs them.</summary>
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
    string? ApplicationName);
