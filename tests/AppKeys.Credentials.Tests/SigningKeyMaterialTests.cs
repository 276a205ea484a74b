using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;

namespace AppKeys.Credentials.Tests;

public class SigningKeyMaterialTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(SigningKeyAlgorithm.ES256, 256, "EC")]
    [InlineData(SigningKeyAlgorithm.RS256, 2048, "RSA")]
    public void Generate_creates_a_key_of_the_algorithm(SigningKeyAlgorithm algorithm, int bits, string kty)
    {
        using var key = SigningKeyMaterial.Generate(algorithm, new FakeTimeProvider(Now));
        Assert.Equal(algorithm, key.Algorithm);
        Assert.Equal(algorithm.ToString(), key.AlgorithmName);
        Assert.Equal(bits, key.KeySizeBits);
        Assert.Equal(Now, key.CreatedAt);
        Assert.Matches("^[A-Za-z0-9_-]{43}$", key.KeyId);
        using var jwk = JsonDocument.Parse(key.ToPublicJwk());
        Assert.Equal(kty, jwk.RootElement.GetProperty("kty").GetString());
    }

    [Fact]
    public void Rsa_3072_is_supported_and_other_sizes_are_rejected()
    {
        using var key = SigningKeyMaterial.Generate(SigningKeyAlgorithm.RS256, TimeProvider.System, 3072);
        Assert.Equal(3072, key.KeySizeBits);
        Assert.Throws<ArgumentOutOfRangeException>(() => SigningKeyMaterial.Generate(SigningKeyAlgorithm.RS256, TimeProvider.System, 1024));
        Assert.Throws<ArgumentOutOfRangeException>(() => SigningKeyMaterial.Generate((SigningKeyAlgorithm)42, TimeProvider.System));
    }

    [Theory]
    [InlineData(SigningKeyAlgorithm.ES256)]
    [InlineData(SigningKeyAlgorithm.RS256)]
    public void Kid_is_the_RFC7638_thumbprint(SigningKeyAlgorithm algorithm)
    {
        using var key = SigningKeyMaterial.Generate(algorithm, TimeProvider.System);
        // Independent implementation: Microsoft.IdentityModel's RFC 7638 thumbprint of the public JWK.
        var jwk = new JsonWebKey(key.ToPublicJwk());
        Assert.Equal(Base64UrlEncoder.Encode(jwk.ComputeJwkThumbprint()), key.KeyId);
        Assert.Equal(key.KeyId, jwk.Kid);
    }

    [Fact]
    public void Different_keys_have_different_kids()
    {
        using var a = SigningKeyMaterial.Generate(SigningKeyAlgorithm.ES256, TimeProvider.System);
        using var b = SigningKeyMaterial.Generate(SigningKeyAlgorithm.ES256, TimeProvider.System);
        Assert.NotEqual(a.KeyId, b.KeyId);
    }

    [Theory]
    [InlineData(SigningKeyAlgorithm.ES256)]
    [InlineData(SigningKeyAlgorithm.RS256)]
    public void Pem_round_trip_keeps_algorithm_kid_and_signing_ability(SigningKeyAlgorithm algorithm)
    {
        using var original = SigningKeyMaterial.Generate(algorithm, new FakeTimeProvider(Now));
        var pem = original.ExportPrivateKeyPem();
        Assert.Equal("***", pem.ToString());
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", pem.Reveal(), StringComparison.Ordinal);

        using var loaded = SigningKeyMaterial.FromPem(pem.Reveal(), Now.AddDays(1));
        Assert.Equal(original.KeyId, loaded.KeyId);
        Assert.Equal(algorithm, loaded.Algorithm);
        Assert.Equal(Now.AddDays(1), loaded.CreatedAt);
        Assert.Equal(original.ToPublicJwk(), loaded.ToPublicJwk());
        Assert.Equal(original.ExportPublicKeyPem(), loaded.ExportPublicKeyPem());

        // The loaded private key signs what the original public key verifies.
        var data = "payload"u8.ToArray();
        var signature = loaded.SignData(data);
        var publicJwk = new JsonWebKey(original.ToPublicJwk());
        Assert.True(Verify(publicJwk, data, signature));
    }

    [Fact]
    public void Legacy_EC_and_RSA_pem_forms_are_accepted()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var fromEc = SigningKeyMaterial.FromPem(ec.ExportECPrivateKeyPem(), Now);
        Assert.Equal(SigningKeyAlgorithm.ES256, fromEc.Algorithm);

        using var rsa = RSA.Create(2048);
        using var fromRsa = SigningKeyMaterial.FromPem(rsa.ExportRSAPrivateKeyPem(), Now);
        Assert.Equal(SigningKeyAlgorithm.RS256, fromRsa.Algorithm);
    }

    [Fact]
    public void Unsupported_keys_are_rejected_without_echoing_the_input()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var p384Pem = p384.ExportPkcs8PrivateKeyPem();
        var e1 = Assert.Throws<FormatException>(() => SigningKeyMaterial.FromPem(p384Pem, Now));
        Assert.DoesNotContain("MI", e1.Message, StringComparison.Ordinal);

        using var rsa1024 = RSA.Create(1024);
        Assert.Throws<FormatException>(() => SigningKeyMaterial.FromPem(rsa1024.ExportPkcs8PrivateKeyPem(), Now));

        Assert.Throws<FormatException>(() => SigningKeyMaterial.FromPem("not a pem", Now));
        Assert.Throws<FormatException>(() => SigningKeyMaterial.FromPem(p384.ExportSubjectPublicKeyInfoPem(), Now));
        var garbage = "-----BEGIN PRIVATE KEY-----\nQUJDREVGR0g=\n-----END PRIVATE KEY-----";
        var e2 = Assert.Throws<FormatException>(() => SigningKeyMaterial.FromPem(garbage, Now));
        Assert.DoesNotContain("QUJDREVGR0g", e2.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_shows_only_algorithm_and_kid()
    {
        using var key = SigningKeyMaterial.Generate(SigningKeyAlgorithm.ES256, TimeProvider.System);
        Assert.Equal($"ES256 kid={key.KeyId}", key.ToString());
    }

    private static bool Verify(JsonWebKey jwk, byte[] data, byte[] signature)
    {
        var provider = CryptoProviderFactory.Default.CreateForVerifying(jwk, jwk.Alg);
        try
        {
            return provider.Verify(data, signature);
        }
        finally
        {
            CryptoProviderFactory.Default.ReleaseSignatureProvider(provider);
        }
    }
}
