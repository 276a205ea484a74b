using AppKeys.Operator.Apis;

namespace AppKeys.Operator.KeyManager;

/// <summary>Indexes the key manager adds to the shared informers (registered in OperatorHost).</summary>
public static class KeyManagerIndexes
{
    /// <summary>Applications by the consumer keys in their status.</summary>
    public const string ConsumerKey = "keymanager-consumer-key";

    /// <summary>ApplicationKeys by status.tokenId (the fingerprint of a random opaque token, or a jti).</summary>
    public const string TokenId = "keymanager-token-id";

    public static IEnumerable<string> ConsumerKeys(V1Alpha1Application application) =>
        application.Status?.Keys?.Select(k => k.ConsumerKey).OfType<string>().Where(k => k.Length > 0) ?? [];

    public static IEnumerable<string> TokenIds(V1Alpha1ApplicationKey key) =>
        key.Status?.TokenId is { Length: > 0 } id ? [id] : [];
}
