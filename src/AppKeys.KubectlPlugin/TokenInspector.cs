using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AppKeys.Credentials;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AppKeys.KubectlPlugin;

/// <summary>Decodes and verifies access tokens. The token itself is never part of a result unless asked for.</summary>
internal static class TokenInspector
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>A JWT's header and claims, or an opaque token's fingerprint (<c>sha256:</c> + 16 hex, as the key's status <c>tokenId</c>).</summary>
    public static string Describe(string token, bool showToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        var text = new StringBuilder();
        if (IsJwt(token))
        {
            var jwt = new JsonWebToken(token);
            text.AppendLine("JWT header:");
            text.AppendLine(Pretty(Base64UrlEncoder.Decode(token.Split('.')[0])));
            text.AppendLine("JWT claims:");
            text.AppendLine(Pretty(Base64UrlEncoder.Decode(token.Split('.')[1])));
            text.AppendLine(jwt.TryGetPayloadValue<long>("exp", out _)
                ? $"expires: {jwt.ValidTo:yyyy-MM-dd'T'HH:mm:ss'Z'}"
                : "expires: never (no exp claim)");
        }
        else
        {
            text.AppendLine($"opaque token, {Fingerprint(token)} (check it by introspection at the key manager)");
        }

        if (showToken)
        {
            text.AppendLine("token:");
            text.AppendLine(token);
        }

        return text.ToString();
    }

    /// <summary>Verifies a JWT against a JWK Set (signature by <c>kid</c>, then <c>exp</c>/<c>nbf</c> when present); the verdict in one line.</summary>
    public static async Task<(bool Valid, string Verdict)> VerifyAsync(string token, string jwksJson, DateTimeOffset now)
    {
        if (!IsJwt(token))
        {
            return (false, $"opaque token ({Fingerprint(token)}): only the key manager can tell whether it is active (introspection)");
        }

        var jwt = new JsonWebToken(token);
        var keys = new JsonWebKeySet(jwksJson);
        if (!keys.Keys.Any(k => k.Kid == jwt.Kid))
        {
            return (false, $"INVALID: kid {jwt.Kid} is not in the published JWKS (kids: {string.Join(", ", keys.Keys.Select(k => k.Kid))})");
        }

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            IssuerSigningKeys = keys.GetSigningKeys(),
            ValidateIssuer = false,
            ValidateAudience = false,
            RequireExpirationTime = false,
            ValidAlgorithms = ["ES256", "RS256"],
            LifetimeValidator = (notBefore, expires, _, _) =>
                (notBefore is null || notBefore.Value <= now.UtcDateTime.AddMinutes(1)) && (expires is null || expires.Value > now.UtcDateTime.AddMinutes(-1)),
        });
        return result.IsValid
            ? (true, $"valid: {jwt.Alg} signature by kid {jwt.Kid}, iss {jwt.Issuer}, {(jwt.TryGetPayloadValue<long>("exp", out _) ? $"expires {jwt.ValidTo:yyyy-MM-dd'T'HH:mm:ss'Z'}" : "never expires")}")
            : (false, $"INVALID: {result.Exception?.GetType().Name ?? "rejected"}: {FirstLine(result.Exception?.Message)}");
    }

    public static string Fingerprint(string token) => TokenFingerprint.Compute(token);

    /// <summary>The key id of a JWT, or null for an opaque token.</summary>
    public static string? KidOf(string token) => IsJwt(token) ? new JsonWebToken(token).Kid : null;

    private static bool IsJwt(string token) => token.Count(c => c == '.') == 2 && new JsonWebTokenHandler().CanReadToken(token);

    private static string Pretty(string json) => JsonNode.Parse(json)!.ToJsonString(Indented);

    private static string FirstLine(string? message) => message?.Split('\n')[0] ?? string.Empty;
}
