using AppKeys.Operator.Apis;

namespace AppKeys.Operator.KeyManager;

/// <summary>Indexes the key manager adds to the shared informers (registered in OperatorHost).</summary>
public static class KeyManagerIndexes
{
    /// <summary>ApplicationKeys by status.tokenId (the fingerprint of a random opaque token, or a jti).</summary>
    public const string TokenId = "keymanager-token-id";

    public static IEnumerable<string> TokenIds(V1Alpha1ApplicationKey key) =>
        key.Status?.TokenId is { Length: > 0 } id ? [id] : [];

    /// <summary>ApplicationKeys by metadata.uid: whether the key a token is bound to still exists.</summary>
    public const string KeyUid = "keymanager-key-uid";

    public static IEnumerable<string> KeyUids(V1Alpha1ApplicationKey key) =>
        key.Metadata?.Uid is { Length: > 0 } uid ? [uid] : [];
}
