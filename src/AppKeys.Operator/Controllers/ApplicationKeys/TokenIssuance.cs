using AppKeys.Credentials;
using AppKeys.Operator.Apis;
using AppKeys.Operator.Signing;

namespace AppKeys.Operator.Controllers.ApplicationKeys;

/// <summary>The token source of a key's plan: turns <see cref="IssuanceInputs"/> into a token, signed with the current key.</summary>
public sealed class TokenIssuance(SigningKeyStore signingKeys, TimeProvider time)
{
    private readonly TokenIssuerSelector issuers = new(time);

    /// <summary>
    /// The token source of one plan: the current signing key is taken first without waiting (null when no published
    /// key is loaded: <see cref="KeyPlanContext.SigningKeys"/> then says so and the plan issues no JWT), so the plan
    /// stays synchronous and pure apart from the token's own randomness.
    /// </summary>
    public (Func<IssuanceInputs, IssuedToken> Mint, SigningKeyView? SigningKeys, bool CanSignJwt) ForPlan()
    {
        var signingKey = signingKeys.TryGetCurrent(out var key) ? key : null;
        return (inputs => Mint(inputs, signingKey), signingKeys.View, signingKey is not null);
    }

    private IssuedToken Mint(IssuanceInputs inputs, SigningKeyMaterial? signingKey)
    {
        var jwt = inputs.TokenType == TokenTypes.Jwt;
        var request = new TokenRequest
        {
            Issuer = inputs.Issuer,
            Audiences = inputs.Audiences,
            ConsumerKey = inputs.ConsumerKey,
            KeyType = KeyTypes.ToCredentials(inputs.KeyType),
            Scopes = inputs.Scopes,
            ValidityPeriodSeconds = inputs.ValidityPeriod,
            Application = new ApplicationInfo(inputs.ApplicationName, inputs.ApplicationNamespace, inputs.ApplicationId, inputs.Owner, inputs.Tier),
            SigningKey = jwt ? signingKey ?? throw new InvalidOperationException("A JWT application needs the signing key") : null,
        };
        return issuers.Issue(jwt ? AccessTokenType.Jwt : AccessTokenType.Opaque, request);
    }
}
