using System.Security.Cryptography;
using System.Text.Json;
using AppKeys.Credentials;
using AppKeys.Operator.Signing;

namespace AppKeys.Operator.KeyManager;

/// <summary>
/// The key manager's only view of the signing keys (the signing store may change under it): the key that signs now,
/// the JWKS, and public keys by <c>kid</c>, taken from the published JWKS so that every key a verifier would accept
/// (next, current, retired) verifies here too.
/// </summary>
public sealed class SigningKeys(SigningKeyStore store)
{
    private volatile Parsed? parsed;

    public bool IsLoaded => store.IsLoaded;

    public string? Jwks => store.Jwks;

    /// <summary>
    /// The key that signs now. Never waits: the endpoints answer 503 while <see cref="IsLoaded"/> is false, so a
    /// missing key here (lost between that check and this call) is a failed request, not a hang.
    /// </summary>
    public Task<SigningKeyMaterial> CurrentAsync(CancellationToken cancellationToken) =>
        store.TryGetCurrent(out var key)
            ? Task.FromResult(key)
            : Task.FromException<SigningKeyMaterial>(new InvalidOperationException("no published current signing key is loaded"));

    /// <summary>True when <paramref name="signature"/> over <paramref name="data"/> verifies with the key <paramref name="kid"/> for <paramref name="alg"/>.</summary>
    public bool Verify(string kid, string alg, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        var jwks = store.Jwks;
        if (jwks is null)
        {
            return false;
        }

        var current = parsed;
        if (current is null || !ReferenceEquals(current.Source, jwks))
        {
            current = parsed = Parse(jwks);
        }

        if (!current.Keys.TryGetValue(kid, out var key))
        {
            return false;
        }

        return (alg, key) switch
        {
            ("ES256", ECDsa ec) => ec.VerifyData(data, signature, HashAlgorithmName.SHA256),
            ("RS256", RSA rsa) => rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            _ => false,
        };
    }

    private static Parsed Parse(string jwks)
    {
        var keys = new Dictionary<string, AsymmetricAlgorithm>(StringComparer.Ordinal);
        using var doc = JsonDocument.Parse(jwks);
        foreach (var jwk in doc.RootElement.GetProperty("keys").EnumerateArray())
        {
            var kid = jwk.GetProperty("kid").GetString();
            var kty = jwk.GetProperty("kty").GetString();
            if (kid is null)
            {
                continue;
            }

            if (kty == "EC")
            {
                keys[kid] = ECDsa.Create(new ECParameters
                {
                    Curve = ECCurve.NamedCurves.nistP256,
                    Q = new ECPoint { X = Bytes(jwk, "x"), Y = Bytes(jwk, "y") },
                });
            }
            else if (kty == "RSA")
            {
                var rsa = RSA.Create();
                rsa.ImportParameters(new RSAParameters { Modulus = Bytes(jwk, "n"), Exponent = Bytes(jwk, "e") });
                keys[kid] = rsa;
            }
        }

        return new Parsed(jwks, keys);
    }

    private static byte[] Bytes(JsonElement jwk, string name) => System.Buffers.Text.Base64Url.DecodeFromChars(jwk.GetProperty(name).GetString());

    private sealed record Parsed(string Source, Dictionary<string, AsymmetricAlgorithm> Keys);
}
