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
