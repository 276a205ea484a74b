namespace AppKeys.Credentials;

/// <summary>What to issue an access token for. The same request works for JWT and opaque issuers.</summary>
public sealed record TokenRequest
{
    /// <summary>JWT <c>iss</c>. Required for JWT.</summary>
    public required string Issuer { get; init; }

    /// <summary>
    /// JWT <c>aud</c>: one value is written as a string, several as an array. Empty means the consumer key is the
    /// audience (as WSO2 does).
    /// </summary>
    public IReadOnlyList<string> Audiences { get; init; } = [];

    /// <summary>The application's consumer key: JWT <c>sub</c>, <c>client_id</c> and <c>azp</c>.</summary>
    public required string ConsumerKey { get; init; }

    /// <summary>JWT <c>keytype</c>.</summary>
    public ApplicationKeyType KeyType { get; init; } = ApplicationKeyType.Production;

    /// <summary>Granted scopes; JWT <c>scope</c>, space separated, omitted when empty.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>Validity in seconds: positive = lifetime, negative = never expires (no <c>exp</c>), 0 is invalid.</summary>
    public required long ValidityPeriodSeconds { get; init; }

    /// <summary>The application; JWT <c>application</c> claim.</summary>
    public required ApplicationInfo Application { get; init; }

    /// <summary>
    /// The <c>metadata.uid</c> of the ApplicationKey the token is issued for: JWT <c>appkey_uid</c>
    /// (<see cref="JwtTokenIssuer.ApplicationKeyUidClaim"/>), omitted when null (token-endpoint tokens). Introspection
    /// reports a token that carries it active only while that key exists.
    /// </summary>
    public string? ApplicationKeyUid { get; init; }

    /// <summary>Signing key; required for JWT, ignored for opaque tokens.</summary>
    public SigningKeyMaterial? SigningKey { get; init; }
}
