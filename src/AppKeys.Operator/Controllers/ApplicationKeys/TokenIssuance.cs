using AppKeys.Credentials;
using AppKeys.Operator.Apis;
using AppKeys.Operator.Signing;

namespace AppKeys.Operator.Controllers.ApplicationKeys;

/// <summary>The token source of a key's plan: turns <see cref="IssuanceInputs"/> into a token, signed with the current key.</summary>
public sealed class TokenIssuance(SigningKeyStore signingKeys, TimeProvider time)
{
    private readonly TokenIssuerSelector issuers = new(time);

    /// <summary>
    /// A minting function for one plan. For JWT applications the current signing key is fetched first (waiting until
    /// the keys are loaded), so the plan itself stays synchronous and pure apart from the token's own randomness.
    /// </summary>
    public async Task<Func<IssuanceInputs, IssuedToken>> MinterAsync(V1Alpha1Application? application, CancellationToken cancellationToken)
    {
        var jwt = application is not null && Applications.EffectiveApplicationSpec.From(application).TokenType == TokenTypes.Jwt;
        var signingKey = jwt ? await signingKeys.GetCurrentAsync(cancellationToken) : null;
        return inputs => Mint(inputs, signingKey);
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
