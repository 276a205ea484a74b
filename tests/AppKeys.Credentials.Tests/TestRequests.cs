namespace AppKeys.Credentials.Tests;

/// <summary>A complete token request with known values, for issuer tests.</summary>
internal static class TestRequests
{
    public const string Issuer = "https://appkeys.example/oauth2/token";
    public const string Audience = "https://api.example";
    public const string ConsumerKey = "NtBQkXoKElu0H1a1fQ0DWfo6IX4a";

    public static readonly ApplicationInfo Application = new("orders-app", "team-a", "7f9c1f0e-2c53-4b8a-9d43-3f1f5f0d6a11", "alice", "10PerMin");

    public static TokenRequest Create(SigningKeyMaterial? key, long validitySeconds = 3600) => new()
    {
        Issuer = Issuer,
        Audiences = [Audience],
        ConsumerKey = ConsumerKey,
        KeyType = ApplicationKeyType.Production,
        Scopes = ["orders:read", "orders:write"],
        ValidityPeriodSeconds = validitySeconds,
        Application = Application,
        SigningKey = key,
    };
}
