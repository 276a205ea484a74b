using AppKeys.Operator.Apis;
using AppKeys.Operator.Controllers.Applications;

namespace AppKeys.Operator.Controllers.ApplicationKeys;

/// <summary>
/// Everything a token's content depends on. Its digest is stored on the key's Secret; when the digest of the current
/// inputs differs (scopes, validity, key type, application claims, issuer...), a new token is issued.
/// renewBefore and secretTemplate are not inputs: they change timing and metadata, never the token.
/// <see cref="KeyUid"/> (the ApplicationKey's <c>metadata.uid</c>; null when unknown) binds the token to its key (JWT
/// <c>appkey_uid</c>, sealed <c>ak2.</c>) but is not in the digest: it never changes for one key (a recreated key is a
/// new object, issued its first token anyway), and keys whose token predates it are not all re-issued at once on
/// upgrade (their next token carries it).
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
    string SigningAlgorithm,
    string? KeyUid = null)
{
    /// <summary>What a token for <paramref name="key"/> would be issued from now.</summary>
    public static IssuanceInputs From(EffectiveKeySpec key, EffectiveApplicationSpec application, string applicationUid, string applicationId, string consumerKey, IssuerSettings issuer, string? keyUid = null)
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
            jwt ? issuer.SigningAlgorithm : "",
            keyUid is { Length: > 0 } ? keyUid : null);
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
