using AppKeys.Credentials;
using AppKeys.Operator.Apis;
using AppKeys.Operator.Hosting;

namespace AppKeys.Operator.KeyManager;

/// <summary>
/// Issues the token-endpoint tokens: for a JWT Application the same JWT an ApplicationKey gets (same claims, current
/// signing key, <see cref="JwtTokenIssuer"/>), for an Opaque Application a sealed token. Nothing is written anywhere.
/// </summary>
public sealed class TokenMinter(OperatorOptions options, SigningKeys signingKeys, TokenKeyStore tokenKeys, TimeProvider time)
{
    private readonly JwtTokenIssuer jwt = new(time);

    public async Task<IssuedToken> IssueAsync(OAuthClient client, IReadOnlyList<string> scopes, long validitySeconds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (client.Spec.TokenType == TokenTypes.Jwt)
        {
            return jwt.Issue(new TokenRequest
            {
                Issuer = options.Issuer,
                Audiences = [.. options.Audiences],
                ConsumerKey = client.ConsumerKey,
                KeyType = client.KeyType == KeyTypes.Sandbox ? ApplicationKeyType.Sandbox : ApplicationKeyType.Production,
                Scopes = scopes,
                ValidityPeriodSeconds = validitySeconds,
                Application = new ApplicationInfo(client.Spec.DisplayName, client.Namespace, client.ApplicationId, client.Spec.Owner, client.Spec.ThrottlingPolicy),
                SigningKey = await signingKeys.CurrentAsync(cancellationToken),
            });
        }

        return SealOpaque(client.ConsumerKey, client.KeyType, scopes, validitySeconds);
    }

    /// <summary>
    /// A sealed opaque token (docs/key-manager.md). Also the way for the ApplicationKey reconciler to issue opaque
    /// tokens that introspect by their claims, bound to the key by <paramref name="keyUid"/> (active only while the
    /// key exists); <see cref="IssuedToken.TokenId"/> is the <c>jti</c>.
    /// </summary>
    public IssuedToken SealOpaque(string consumerKey, string keyType, IReadOnlyList<string> scopes, long validitySeconds, string? keyUid = null)
    {
        var ring = tokenKeys.Ring ?? throw new InvalidOperationException("The opaque token keys are not loaded yet");
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(time.GetUtcNow().ToUnixTimeSeconds());
        var claims = new SealedTokenClaims(SealedTokenFormat.NewTokenId(), consumerKey, keyType, scopes, issuedAt, ValidityPolicy.ExpiresAt(issuedAt, validitySeconds), keyUid);
        return new IssuedToken(new SecretValue(SealedTokenFormat.Seal(claims, ring)), AccessTokenType.Opaque, claims.TokenId, issuedAt, claims.ExpiresAt, null);
    }
}
