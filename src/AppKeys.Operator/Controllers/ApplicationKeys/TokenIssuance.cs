using AppKeys.Credentials;
using AppKeys.Operator.Apis;
using AppKeys.Operator.Controllers.Applications;
using AppKeys.Operator.Hosting;
using AppKeys.Operator.Signing;

namespace AppKeys.Operator.Controllers.ApplicationKeys;

/// <summary>Turns a key, its Application and consumer credentials into token requests and tokens.</summary>
public sealed class TokenIssuance(SigningKeyStore signingKeys, OperatorOptions options, TimeProvider time)
{
    private readonly TokenIssuerSelector issuers = new(time);

    /// <summary>What the token would be issued from (its digest decides whether the current token is still right).</summary>
    public IssuanceInputs Inputs(EffectiveKeySpec key, EffectiveApplicationSpec application, string applicationUid, string applicationId, string consumerKey)
    {
        var jwt = application.TokenType == TokenTypes.Jwt;
        return new IssuanceInputs(
            applicationUid,
            applicationId,
            application.DisplayName,
            application.Namespace,
            application.Owner,
            application.ThrottlingPolicy,
            application.TokenType,
            key.KeyType,
            key.Scopes,
            key.ValidityPeriod,
            consumerKey,
            jwt ? options.Issuer : "",
            jwt ? [.. options.Audiences] : [],
            jwt ? options.SigningAlgorithm.ToString() : "");
    }

    /// <summary>The signing key set for the issuance policy; null until loaded.</summary>
    public SigningKeyView? SigningKeys => signingKeys.View;

    /// <summary>Whether a token of <paramref name="tokenType"/> can be issued now (a JWT needs a published signing key; never waits).</summary>
    public bool CanIssue(string tokenType) => tokenType != TokenTypes.Jwt || signingKeys.TryGetCurrent(out _);

    public Task<IssuedToken> IssueAsync(IssuanceInputs inputs, CancellationToken cancellationToken)
    {
        var jwt = inputs.TokenType == TokenTypes.Jwt;
        var request = new TokenRequest
        {
            Issuer = options.Issuer,
            Audiences = inputs.Audiences,
            ConsumerKey = inputs.ConsumerKey,
            KeyType = inputs.KeyType == KeyTypes.Sandbox ? ApplicationKeyType.Sandbox : ApplicationKeyType.Production,
            Scopes = inputs.Scopes,
            ValidityPeriodSeconds = inputs.ValidityPeriod,
            Application = new ApplicationInfo(inputs.ApplicationName, inputs.ApplicationNamespace, inputs.ApplicationId, inputs.Owner, inputs.Tier),
            SigningKey = !jwt ? null
                : signingKeys.TryGetCurrent(out var key) ? key
                : throw new InvalidOperationException("No published signing key yet (SigningKeysUnavailable)"),
        };
        return Task.FromResult(issuers.Issue(jwt ? AccessTokenType.Jwt : AccessTokenType.Opaque, request));
    }
}
