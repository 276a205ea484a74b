using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using AppKeys.Operator.Apis;
using AppKeys.Operator.Controllers;
using AppKeys.Operator.Controllers.ApplicationKeys;
using k8s.Models;

namespace AppKeys.Operator.Signing;

/// <summary>
/// "What each key signed": the JWTs the operator holds in ApplicationKey Secrets, by the <c>kid</c> of their header (the
/// header is not secret; the token itself is never logged or kept).
/// </summary>
public static class SignedTokens
{
    /// <summary>The signed tokens of every ApplicationKey Secret among <paramref name="secrets"/>.</summary>
    public static List<SignedToken> Scan(IEnumerable<V1Secret> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        var tokens = new List<SignedToken>();
        foreach (var secret in secrets)
        {
            if (Of(secret) is { } token)
            {
                tokens.Add(token);
            }
        }

        return tokens;
    }

    /// <summary>The token in an ApplicationKey Secret, or null when it holds no JWT.</summary>
    public static SignedToken? Of(V1Secret? secret)
    {
        var data = secret?.Data;
        if (data is null || secret!.Metadata?.Labels?.ContainsKey(AppKeysLabels.Key) != true
            || !data.TryGetValue(KeySecretData.TokenType, out var type) || type is null || !type.AsSpan().SequenceEqual(Encoding.ASCII.GetBytes(TokenTypes.Jwt))
            || !data.TryGetValue(KeySecretData.AccessToken, out var token) || token is null
            || KeyIdOf(token) is not { } kid)
        {
            return null;
        }

        var expires = data.TryGetValue(KeySecretData.ExpiresAt, out var e) && e is { Length: > 0 } ? Rfc3339.Parse(Encoding.UTF8.GetString(e)) : null;
        return new SignedToken(kid, expires);
    }

    /// <summary>The <c>kid</c> of a compact JWS (its header only is decoded); null when there is none.</summary>
    public static string? KeyIdOf(ReadOnlySpan<byte> compactJws)
    {
        var dot = compactJws.IndexOf((byte)'.');
        if (dot <= 0 || dot > 4096)
        {
            return null;
        }

        var header = compactJws[..dot];
        Span<byte> json = stackalloc byte[Base64Url.GetMaxDecodedLength(header.Length)];
        if (Base64Url.DecodeFromUtf8(header, json, out _, out var written) != System.Buffers.OperationStatus.Done)
        {
            return null;
        }

        try
        {
            var reader = new Utf8JsonReader(json[..written]);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isKid = reader.ValueTextEquals("kid"u8);
                reader.Read();
                if (isKid && reader.TokenType == JsonTokenType.String)
                {
                    return reader.GetString();
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
            return null;
        }

        return null;
    }

    /// <summary>The <c>kid</c> of the token in an ApplicationKey Secret's data, for the issuance policy.</summary>
    public static string? KeyIdOf(V1Secret? secret) => Of(secret)?.KeyId;

    /// <summary>
    /// The longest lifetime of a token the operator does not hold (the token endpoint's grants), counted from a key's
    /// retirement. Applications have no lifetime field for the endpoint, so: the longest positive <c>validityPeriod</c> of
    /// the ApplicationKeys, at least WSO2's default 3600 s; capped at the overlap (longer-lived tokens are re-minted).
    /// </summary>
    public static TimeSpan EndpointTokenLifetime(IEnumerable<V1Alpha1ApplicationKey> keys, SigningKeySettings settings)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(settings);
        var longest = keys.Select(k => k.Spec?.ValidityPeriod ?? 3600).Where(v => v > 0).DefaultIfEmpty(3600).Max();
        var lifetime = TimeSpan.FromSeconds(Math.Min(Math.Max(longest, 3600), settings.NeverExpiringOverlap.TotalSeconds));
        return lifetime;
    }
}
