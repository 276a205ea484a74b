namespace AppKeys.Credentials;

/// <summary>
/// Issues opaque (reference) access tokens: 256 random bits; <see cref="IssuedToken.TokenId"/> is the token's
/// fingerprint. Only validity and consumer key are used from the request (a validator must look the token up).
/// </summary>
public sealed class OpaqueTokenIssuer : ITokenIssuer
{
    private readonly TimeProvider timeProvider;

    /// <summary>Creates an issuer reading time from <paramref name="timeProvider"/>.</summary>
    public OpaqueTokenIssuer(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        this.timeProvider = timeProvider;
    }

    /// <inheritdoc />
    public AccessTokenType TokenType => AccessTokenType.Opaque;

    /// <inheritdoc />
    public IssuedToken Issue(TokenRequest request)
    {
        TokenRequestValidator.ValidateCommon(request);
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(timeProvider.GetUtcNow().ToUnixTimeSeconds());
        var expiresAt = ValidityPolicy.ExpiresAt(issuedAt, request.ValidityPeriodSeconds);
        var token = OpaqueTokenGenerator.Generate();
        return new IssuedToken(token, AccessTokenType.Opaque, token.Fingerprint(), issuedAt, expiresAt, KeyId: null);
    }
}
