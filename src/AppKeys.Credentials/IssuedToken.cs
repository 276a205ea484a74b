namespace AppKeys.Credentials;

/// <summary>An issued access token. <c>ToString</c> shows no token: <see cref="AccessToken"/> is redacted.</summary>
/// <param name="AccessToken">The bearer token; reach it with <see cref="SecretValue.Reveal"/>.</param>
/// <param name="TokenType">JWT or opaque.</param>
/// <param name="TokenId">Safe identifier for status and logs: the <c>jti</c> of a JWT, the fingerprint of an opaque token.</param>
/// <param name="IssuedAt">Issue time, whole seconds (JWT <c>iat</c>).</param>
/// <param name="ExpiresAt">Expiry, whole seconds (JWT <c>exp</c>); null when the token never expires.</param>
/// <param name="KeyId">The <c>kid</c> that signed a JWT; null for opaque tokens.</param>
public sealed record IssuedToken(
    SecretValue AccessToken,
    AccessTokenType TokenType,
    string TokenId,
    DateTimeOffset IssuedAt,
    DateTimeOffset? ExpiresAt,
    string? KeyId);
