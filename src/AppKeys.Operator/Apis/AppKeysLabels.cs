namespace AppKeys.Operator.Apis;

/// <summary>Labels the operator puts on the Secrets it manages.</summary>
public static class AppKeysLabels
{
    public const string ManagedBy = "app.kubernetes.io/managed-by";
    public const string Application = "appkeys.io/application";
    public const string Key = "appkeys.io/key";

    /// <summary>True when a label or annotation key is reserved for the operator (secretTemplate may not set it).</summary>
    public static bool IsReserved(string key) =>
        key == ManagedBy || key.StartsWith("appkeys.io/", StringComparison.Ordinal);
}
