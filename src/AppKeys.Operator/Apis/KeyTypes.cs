namespace AppKeys.Operator.Apis;

/// <summary>Key types of an application (WSO2's PRODUCTION / SANDBOX).</summary>
public static class KeyTypes
{
    public const string Production = "Production";
    public const string Sandbox = "Sandbox";

    public static readonly IReadOnlyList<string> All = [Production, Sandbox];

    public static bool IsValid(string? value) => value is Production or Sandbox;

    /// <summary>The value of the <c>keytype</c> JWT claim.</summary>
    public static string ToClaim(string keyType) => keyType.ToUpperInvariant();

    /// <summary>Prefix of the Application Secret's data keys for this key type (<c>production.consumerKey</c>).</summary>
    public static string ToSecretPrefix(string keyType) => keyType.ToLowerInvariant();
}
