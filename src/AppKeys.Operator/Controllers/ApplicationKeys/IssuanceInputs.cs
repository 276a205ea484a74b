using AppKeys.Operator.Apis;
using AppKeys.Operator.Controllers.Applications;

namespace AppKeys.Operator.Controllers.ApplicationKeys;

/// <summary>
/// Everything a token's content depends on. Its digest is stored on the key's Secret; when the digest of the current
/// inputs differs (scopes, validity, key type, application claims, issuer...), a new token is issued.
/// renewBefore and secretTemplate are not inputs: they change timing and metadata, never the token.
/// </summary>
public sealed record IssuanceInputs(
    string ApplicationUid,
    string ApplicationId,
    string ApplicationName,
    string ApplicationNamespace,
    string Owner,
    string Tier,
    string TokenType,
    string KeyType,
    IReadOnlyList<string> Scopes,
    long ValidityPeriod,
    string ConsumerKey,
    string Issuer,
    IReadOnlyList<string> Audiences,
    string SigningAlgorithm)
{
    /// <summary>What a token for <paramref name="key"/> would be issued from now.</summary>
    public static IssuanceInputs From(EffectiveKeySpec key, EffectiveApplicationSpec application, string applicationUid, string applicationId, string consumerKey, IssuerSettings issuer)
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
            jwt ? issuer.Issuer : "",
            jwt ? issuer.Audiences : [],
            jwt ? issuer.SigningAlgorithm : "");
    }

    public string Hash() => Hashes.OfFields(
    [
        "v1",
        ApplicationUid,
        ApplicationId,
        ApplicationName,
        ApplicationNamespace,
        Owner,
        Tier,
        TokenType,
        KeyType,
        string.Join(' ', Scopes),
        ValidityPeriod.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ConsumerKey,
        Issuer,
        string.Join(' ', Audiences),
        SigningAlgorithm,
    ]);
}
