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

        // A gateway introspects the same token again and again: a signature already verified under this JWKS version
        // is not verified again (a SHA-256 instead of an ECDSA verification, ~40x cheaper). The set belongs to the
        // parsed JWKS, so any change of the key set (a rotation, a revoked key) starts it afresh.
        var digest = Digest(kid, alg, data, signature);
        if (current.Verified.ContainsKey(digest))
        {
            return true;
        }

        var valid = (alg, key) switch
        {
            ("ES256", ECDsa ec) => ec.VerifyData(data, signature, HashAlgorithmName.SHA256),
            ("RS256", RSA rsa) => rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            _ => false,
        };
        if (valid && current.Verified.Count < MaxVerified)
        {
            current.Verified.TryAdd(digest, 0);
        }

        return valid;
    }

    /// <summary>At most this many verified signatures are remembered per JWKS version (about 100 bytes each).</summary>
    public const int MaxVerified = 10_000;

    private static (UInt128, UInt128) Digest(string kid, string alg, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[4];
        foreach (var part in new[] { System.Text.Encoding.UTF8.GetBytes(kid), System.Text.Encoding.UTF8.GetBytes(alg) })
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, part.Length);
            hash.AppendData(length);
            hash.AppendData(part);
        }

        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        hash.AppendData(length);
        hash.AppendData(data);
        hash.AppendData(signature);
        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        return (System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(digest), System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(digest[16..]));
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

    private sealed record Parsed(string Source, Dictionary<string, AsymmetricAlgorithm> Keys)
    {
        public System.Collections.Concurrent.ConcurrentDictionary<(UInt128, UInt128), byte> Verified { get; } = new();
    }
}
