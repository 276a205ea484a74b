using AppKeys.Credentials;
using AppKeys.Operator.Apis;
using AppKeys.Operator.KeyManager;
using AppKeys.Operator.Signing;

namespace AppKeys.Operator.Controllers.ApplicationKeys;

/// <summary>
/// The token source of a key's plan: turns <see cref="IssuanceInputs"/> into a token — a JWT signed with the current
/// key, or an opaque token sealed as the token endpoint's (<see cref="TokenMinter.SealOpaque"/>), so that
/// <c>/oauth2/introspect</c> answers for it from its claims. Either carries the key's uid
/// (<see cref="IssuanceInputs.KeyUid"/>), so introspection calls it inactive once the key is deleted.
/// </summary>
public sealed class TokenIssuance(SigningKeyStore signingKeys, TokenMinter minter, TokenKeyStore tokenKeys, TimeProvider time)
{
    private readonly TokenIssuerSelector issuers = new(time);

    /// <summary>
    /// The token source of one plan: the current signing key is taken first without waiting (null when no published
    /// key is loaded: <see cref="KeyPlanContext.SigningKeys"/> then says so and the plan issues no JWT), and likewise
    /// whether the opaque-token sealing keys are loaded, so the plan stays synchronous and pure apart from the
    /// token's own randomness.
    /// </summary>
    public (Func<IssuanceInputs, IssuedToken> Mint, SigningKeyView? SigningKeys, bool CanSignJwt, bool CanSealOpaque) ForPlan()
    {
        var signingKey = signingKeys.TryGetCurrent(out var key) ? key : null;
        return (inputs => Mint(inputs, signingKey), signingKeys.View, signingKey is not null, tokenKeys.Ring is not null);
    }

    private IssuedToken Mint(IssuanceInputs inputs, SigningKeyMaterial? signingKey)
    {
        if (inputs.TokenType != TokenTypes.Jwt)
        {
            // Status records the fingerprint of the token (as for every opaque token), never the sealed jti: the key's
            // record is checked against the Secret without the sealing keys, and a revocation lists the fingerprint.
            var sealedToken = minter.SealOpaque(inputs.ConsumerKey, inputs.KeyType, inputs.Scopes, inputs.ValidityPeriod, inputs.KeyUid);
            return sealedToken with { TokenId = sealedToken.AccessToken.Fingerprint() };
        }

        var request = new TokenRequest
        {
            Issuer = inputs.Issuer,
            Audiences = inputs.Audiences,
            ConsumerKey = inputs.ConsumerKey,
            KeyType = KeyTypes.ToCredentials(inputs.KeyType),
            Scopes = inputs.Scopes,
            ValidityPeriodSeconds = inputs.ValidityPeriod,
            Application = new ApplicationInfo(inputs.ApplicationName, inputs.ApplicationNamespace, inputs.ApplicationId, inputs.Owner, inputs.Tier),
            ApplicationKeyUid = inputs.KeyUid,
            SigningKey = signingKey ?? throw new InvalidOperationException("A JWT application needs the signing key"),
        };
        return issuers.Issue(AccessTokenType.Jwt, request);
    }
}
