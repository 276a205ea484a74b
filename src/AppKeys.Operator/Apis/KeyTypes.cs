using AppKeys.Credentials;

namespace AppKeys.Operator.Apis;

/// <summary>Key types of an application (WSO2's PRODUCTION / SANDBOX), as the API spells them.</summary>
public static class KeyTypes
{
    public const string Production = "Production";
    public const string Sandbox = "Sandbox";

    public static readonly IReadOnlyList<string> All = [Production, Sandbox];

    public static bool IsValid(string? value) => value is Production or Sandbox;

    /// <summary>The credentials library's key type (which also owns the claim value); the one mapping between the two.</summary>
    public static ApplicationKeyType ToCredentials(string keyType) =>
        ApplicationKeyTypes.TryParse(keyType, out var parsed) ? parsed : throw new ArgumentOutOfRangeException(nameof(keyType), keyType, "Not Production or Sandbox.");

    /// <summary>Prefix of the Application Secret's data keys for this key type (<c>production.consumerKey</c>).</summary>
    public static string ToSecretPrefix(string keyType) => keyType.ToLowerInvariant();
}
