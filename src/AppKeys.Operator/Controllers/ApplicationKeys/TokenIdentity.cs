using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using AppKeys.Credentials;
using AppKeys.Operator.Apis;
using k8s.Models;

namespace AppKeys.Operator.Controllers.ApplicationKeys;

/// <summary>
/// Which token a key Secret holds, read from the token itself (never from the Secret's annotations): a JWT's
/// <c>jti</c>, or the fingerprint of an opaque token — the identifiers status records as <c>tokenId</c>.
/// </summary>
public static class TokenIdentity
{
    /// <summary>The access token in <paramref name="secret"/>, or null when it has none.</summary>
    public static SecretValue? AccessToken(V1Secret? secret) =>
        secret?.Data?.TryGetValue(KeySecretData.AccessToken, out var bytes) == true && bytes is { Length: > 0 }
            ? new SecretValue(Encoding.UTF8.GetString(bytes))
            : null;

    /// <summary>The identifier of <paramref name="token"/> read as <paramref name="tokenType"/>; null when it is not one.</summary>
    public static string? Of(SecretValue token, string tokenType) =>
        tokenType == TokenTypes.Jwt ? JwtId(token.Reveal()) : TokenFingerprint.Compute(token);

    /// <summary>True when <paramref name="secret"/> holds the token <paramref name="record"/> describes.</summary>
    public static bool Holds(V1Secret? secret, TokenRecord? record) =>
        record is not null && AccessToken(secret) is { } token && Hashes.Equal(Of(token, record.TokenType), record.TokenId);

    private static string? JwtId(string jwt)
    {
        var parts = jwt.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        try
        {
            using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
            return payload.RootElement.ValueKind == JsonValueKind.Object
                && payload.RootElement.TryGetProperty("jti", out var jti)
                && jti.ValueKind == JsonValueKind.String
                ? jti.GetString()
                : null;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }
}
