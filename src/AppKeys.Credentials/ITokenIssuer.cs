namespace AppKeys.Credentials;

/// <summary>Issues access tokens of one <see cref="AccessTokenType"/>.</summary>
public interface ITokenIssuer
{
    /// <summary>The kind of token this issuer produces.</summary>
    AccessTokenType TokenType { get; }

    /// <summary>Issues a token now (per the issuer's <see cref="TimeProvider"/>).</summary>
    /// <exception cref="ArgumentException">The request is incomplete or invalid (messages never contain secrets).</exception>
    IssuedToken Issue(TokenRequest request);
}
