using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace AppKeys.Operator.KeyManager;

/// <summary>Verifies a compact JWS signed by this operator (ES256 or RS256, our <c>iss</c>) and reads its claims; no time checks.</summary>
public static class JwtReader
{
    private const int MaxLength = 16 * 1024;

    /// <summary>The claims, or null when <paramref name="token"/> is not a JWT signed by one of our keys for <paramref name="issuer"/>.</summary>
    public static JwtClaims? TryRead(string token, string issuer, SigningKeys keys)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(keys);
        if (token.Length > MaxLength)
        {
            return null;
        }

        var firstDot = token.IndexOf('.', StringComparison.Ordinal);
        var lastDot = token.LastIndexOf('.');
        if (firstDot <= 0 || lastDot <= firstDot || token.IndexOf('.', firstDot + 1) != lastDot)
        {
            return null;
        }

        try
        {
            using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(token.AsSpan(0, firstDot)));
            if (header.RootElement.ValueKind != JsonValueKind.Object
                || Text(header.RootElement, "alg") is not ("ES256" or "RS256") and var alg
                || Text(header.RootElement, "kid") is not { } kid)
            {
                return null;
            }

            var signature = Base64Url.DecodeFromChars(token.AsSpan(lastDot + 1));
            if (!keys.Verify(kid, Text(header.RootElement, "alg")!, Encoding.ASCII.GetBytes(token[..lastDot]), signature))
            {
                return null;
            }

            using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(token.AsSpan(firstDot + 1, lastDot - firstDot - 1)));
            var p = payload.RootElement;
            if (p.ValueKind != JsonValueKind.Object || Text(p, "iss") != issuer
                || Text(p, "jti") is not { } jti || Text(p, "client_id") is not { } clientId
                || Seconds(p, "iat") is not { } iat)
            {
                return null;
            }

            var application = p.TryGetProperty("application", out var app) && app.ValueKind == JsonValueKind.Object ? app : default;
            return new JwtClaims(
                jti,
                clientId,
                Text(p, "keytype") is "SANDBOX" ? Apis.KeyTypes.Sandbox : Apis.KeyTypes.Production,
                Text(p, "scope") is { } scope ? scope.Split(' ', StringSplitOptions.RemoveEmptyEntries) : [],
                iat,
                Seconds(p, "nbf") ?? iat,
                Seconds(p, "exp"),
                Text(p, "sub") ?? clientId,
                Audiences(p),
                issuer,
                application.ValueKind == JsonValueKind.Object ? Text(application, "namespace") : null,
                application.ValueKind == JsonValueKind.Object ? Text(application, "name") : null,
                Text(p, AppKeys.Credentials.JwtTokenIssuer.ApplicationKeyUidClaim));
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static DateTimeOffset? Seconds(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var s) ? DateTimeOffset.FromUnixTimeSeconds(s) : null;

    private static IReadOnlyList<string> Audiences(JsonElement p) =>
        !p.TryGetProperty("aud", out var aud) ? []
        : aud.ValueKind == JsonValueKind.String ? [aud.GetString()!]
        : aud.ValueKind == JsonValueKind.Array ? [.. aud.EnumerateArray().Where(a => a.ValueKind == JsonValueKind.String).Select(a => a.GetString()!)]
        : [];
}
