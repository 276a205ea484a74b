namespace AppKeys.Operator.Controllers.ApplicationKeys;

/// <summary>Why a new token is issued (the reason of the <c>Issued</c> event and of the issuance metric).</summary>
public static class IssuanceReasons
{
    public const string Initial = "Initial";
    public const string SecretMissing = "SecretMissing";
    public const string SecretTampered = "SecretTampered";
    public const string SpecChanged = "SpecChanged";
    public const string ConsumerSecretRegenerated = "ConsumerSecretRegenerated";
    public const string RenewRequested = "RenewRequested";
    public const string Revoked = "Revoked";
    public const string Expiring = "Expiring";
    public const string SigningKeyRotated = "SigningKeyRotated";
    public const string SigningKeyLost = "SigningKeyLost";
}
