namespace AppKeys.Operator.Signing;

/// <summary>Reasons of the events recorded on the signing Secret.</summary>
public static class SigningKeyEvents
{
    public const string Created = "SigningKeyCreated";
    public const string Published = "SigningKeyPublished";
    public const string Rotated = "SigningKeyRotated";
    public const string Removed = "SigningKeyRemoved";
    public const string Revoked = "SigningKeyRevoked";
    public const string RevokeIgnored = "SigningKeyRevokeIgnored";
    public const string RotationRequested = "SigningKeyRotationRequested";
    public const string Lost = "SigningKeyLost";
    public const string Restored = "SigningKeysRestored";
    public const string Discarded = "SigningKeyDiscarded";
}
