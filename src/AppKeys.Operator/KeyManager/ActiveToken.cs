namespace AppKeys.Operator.KeyManager;

/// <summary>A token that introspection reports as active, with what RFC 7662 returns about it.</summary>
public sealed record ActiveToken(
    string TokenId,
    OAuthClient Client,
    bool IsJwt,
    IReadOnlyList<string> Scopes,
    DateTimeOffset IssuedAt,
    DateTimeOffset NotBefore,
    DateTimeOffset? ExpiresAt,
    string Subject,
    IReadOnlyList<string> Audiences,
    string Issuer);
