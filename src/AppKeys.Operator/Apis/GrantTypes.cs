namespace AppKeys.Operator.Apis;

/// <summary>OAuth 2.0 grant types an application may declare.</summary>
public static class GrantTypes
{
    public const string ClientCredentials = "client_credentials";

    public static readonly IReadOnlyList<string> All =
    [
        ClientCredentials,
        "authorization_code",
        "refresh_token",
        "password",
        "implicit",
        "urn:ietf:params:oauth:grant-type:device_code",
        "urn:ietf:params:oauth:grant-type:jwt-bearer",
        "urn:ietf:params:oauth:grant-type:token-exchange",
    ];
}
