using AppKeys.Operator.Apis;

namespace AppKeys.Operator.KeyManager;

/// <summary>Indexes the key manager adds to the shared informers (registered in OperatorHost).</summary>
public static class KeyManagerIndexes
{
    /// <summary>ApplicationKeys by status.tokenId (the fingerprint of a random opaque token, or a jti).</summary>
    public const string TokenId = "keymanager-token-id";

    public static IEnumerable<string> TokenIds(V1Alpha1ApplicationKey key) =>
        key.Status?.TokenId is { Length: > 0 } id ? [id] : [];

    /// <summary>
    /// ApplicationKeys that are not being deleted, by metadata.uid: whether the key a token is bound to still stands.
    /// A key whose deletionTimestamp is set leaves the index, so the question is answered from the index keys alone
    /// (no copy of the object per introspection).
    /// </summary>
    public const string LiveKeyUid = "keymanager-live-key-uid";

    public static IEnumerable<string> LiveKeyUids(V1Alpha1ApplicationKey key) =>
        key.Metadata is { Uid: { Length: > 0 } uid, DeletionTimestamp: null } ? [uid] : [];
}
