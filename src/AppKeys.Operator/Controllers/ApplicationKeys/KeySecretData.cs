namespace AppKeys.Operator.Controllers.ApplicationKeys;

/// <summary>Data keys of an ApplicationKey's Secret (documented in docs/operator.md).</summary>
public static class KeySecretData
{
    public const string ConsumerKey = "consumerKey";
    public const string ConsumerSecret = "consumerSecret";
    public const string AccessToken = "accessToken";

    /// <summary>RFC 3339 expiry, or empty when the token never expires.</summary>
    public const string ExpiresAt = "expiresAt";

    /// <summary>Granted scopes, space-separated.</summary>
    public const string Scopes = "scopes";
    public const string KeyType = "keyType";
    public const string TokenType = "tokenType";

    /// <summary>The Application's previous consumer secret, only while its grace period lasts (optional: not in <see cref="All"/>).</summary>
    public const string PreviousConsumerSecret = "previousConsumerSecret";

    /// <summary>The keys every intact key Secret has.</summary>
    public static readonly IReadOnlyList<string> All = [ConsumerKey, ConsumerSecret, AccessToken, ExpiresAt, Scopes, KeyType, TokenType];
}
