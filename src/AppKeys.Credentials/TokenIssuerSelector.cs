namespace AppKeys.Credentials;

/// <summary>Picks the issuer for an application's token type (JWT or opaque).</summary>
public sealed class TokenIssuerSelector
{
    private readonly ITokenIssuer jwt;
    private readonly ITokenIssuer opaque;

    /// <summary>Uses <see cref="JwtTokenIssuer"/> and <see cref="OpaqueTokenIssuer"/> on <paramref name="timeProvider"/>.</summary>
    public TokenIssuerSelector(TimeProvider timeProvider)
        : this(new JwtTokenIssuer(timeProvider), new OpaqueTokenIssuer(timeProvider))
    {
    }

    /// <summary>Uses the given issuers (for tests or decorators).</summary>
    public TokenIssuerSelector(ITokenIssuer jwt, ITokenIssuer opaque)
    {
        ArgumentNullException.ThrowIfNull(jwt);
        ArgumentNullException.ThrowIfNull(opaque);
        if (jwt.TokenType != AccessTokenType.Jwt || opaque.TokenType != AccessTokenType.Opaque)
        {
            throw new ArgumentException("Issuers do not match their token types.", nameof(jwt));
        }

        this.jwt = jwt;
        this.opaque = opaque;
    }

    /// <summary>The issuer producing <paramref name="tokenType"/> tokens.</summary>
    public ITokenIssuer For(AccessTokenType tokenType) => tokenType switch
    {
        AccessTokenType.Jwt => jwt,
        AccessTokenType.Opaque => opaque,
        _ => throw new ArgumentOutOfRangeException(nameof(tokenType), tokenType, "Unknown access token type."),
    };

    /// <summary>Issues a token of <paramref name="tokenType"/>.</summary>
    public IssuedToken Issue(AccessTokenType tokenType, TokenRequest request) => For(tokenType).Issue(request);
}
