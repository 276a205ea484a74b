namespace AppKeys.Credentials;

/// <summary>Wire names of <see cref="ApplicationKeyType"/> (the <c>keytype</c> claim, as WSO2 writes them).</summary>
public static class ApplicationKeyTypes
{
    /// <summary>Claim value of <see cref="ApplicationKeyType.Production"/>.</summary>
    public const string Production = "PRODUCTION";

    /// <summary>Claim value of <see cref="ApplicationKeyType.Sandbox"/>.</summary>
    public const string Sandbox = "SANDBOX";

    /// <summary>The <c>keytype</c> claim value.</summary>
    public static string ToClaimValue(this ApplicationKeyType keyType) => keyType switch
    {
        ApplicationKeyType.Production => Production,
        ApplicationKeyType.Sandbox => Sandbox,
        _ => throw new ArgumentOutOfRangeException(nameof(keyType), keyType, "Unknown key type."),
    };

    /// <summary>Parses <c>PRODUCTION</c>/<c>SANDBOX</c> ignoring case (so <c>Production</c> works too).</summary>
    public static bool TryParse(string? value, out ApplicationKeyType keyType)
    {
        if (string.Equals(value, Production, StringComparison.OrdinalIgnoreCase))
        {
            keyType = ApplicationKeyType.Production;
            return true;
        }

        if (string.Equals(value, Sandbox, StringComparison.OrdinalIgnoreCase))
        {
            keyType = ApplicationKeyType.Sandbox;
            return true;
        }

        keyType = default;
        return false;
    }
}
