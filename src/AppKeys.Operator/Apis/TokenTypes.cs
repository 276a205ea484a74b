namespace AppKeys.Operator.Apis;

/// <summary>Token types of an application.</summary>
public static class TokenTypes
{
    public const string Jwt = "JWT";
    public const string Opaque = "Opaque";

    public static bool IsValid(string? value) => value is Jwt or Opaque;
}
