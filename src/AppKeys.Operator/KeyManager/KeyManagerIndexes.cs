using AppKeys.Operator.Apis;

namespace AppKeys.Operator.KeyManager;

/// <summary>Indexes the key manager adds to the shared informers (registered in OperatorHost).</summary>
public static class KeyManagerIndexes
{
    /// <summary>ApplicationKeys by status.tokenId (the fingerprint of a random opaque token, or a jti).</summary>
    public const string TokenId = "keymanager-token-id";

    public static IEnumerable<string> TokenIds(V1Alpha1ApplicationKey key) =>
        key.Status?.TokenId is { Length: > 0 } id ? [id] : [];
}
