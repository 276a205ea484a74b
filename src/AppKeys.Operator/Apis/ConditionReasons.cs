namespace AppKeys.Operator.Apis;

/// <summary>Reasons of the <c>Ready</c> condition of both kinds.</summary>
public static class ConditionReasons
{
    public const string Ready = "Ready";

    // ApplicationKey (and Application where noted)
    public const string Issued = "Issued";
    public const string ApplicationNotFound = "ApplicationNotFound";
    public const string ApplicationNotReady = "ApplicationNotReady";
    public const string KeyTypeNotEnabled = "KeyTypeNotEnabled";
    public const string InvalidSpec = "InvalidSpec";
    public const string ScopeNotAllowed = "ScopeNotAllowed";
    public const string SecretConflict = "SecretConflict";
    public const string IssuanceFailed = "IssuanceFailed";
    public const string SigningKeysUnavailable = "SigningKeysUnavailable";
    public const string TokenKeysUnavailable = "TokenKeysUnavailable";
    public const string IssuanceRateLimited = "IssuanceRateLimited";

    // Application
    public const string CredentialsReady = "CredentialsReady";
}
