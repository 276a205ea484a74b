using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace AppKeys.Credentials.Tests;

public class JwksDocumentTests
{
    private static readonly string[] PrivateParameters = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

    [Fact]
    public void Contains_public_parts_of_every_key_and_nothing_private()
    {
        using var ec = SigningKeyMaterial.Generate(SigningKeyAlgorithm.ES256, TimeProvider.System);
        using var rsa = SigningKeyMaterial.Generate(SigningKeyAlgorithm.RS256, TimeProvider.System);

        var json = JwksDocument.Build([ec, rsa]);

        using var document = JsonDocument.Parse(json);
        var keys = document.RootElement.GetProperty("keys").EnumerateArray().ToList();
        Assert.Equal(2, keys.Count);
        Assert.Single(document.RootElement.EnumerateObject());

        var ecJwk = keys[0];
        // Exactly these members (their order means nothing in JSON; the key-type members come in RFC 7638 order).
        Assert.Equal(["crv", "kty", "x", "y", "use", "alg", "kid"], ecJwk.EnumerateObject().Select(p => p.Name));
        Assert.Equal("EC", ecJwk.GetProperty("kty").GetString());
        Assert.Equal("P-256", ecJwk.GetProperty("crv").GetString());
        Assert.Equal(32, Base64UrlEncoder.DecodeBytes(ecJwk.GetProperty("x").GetString()).Length);
        Assert.Equal(32, Base64UrlEncoder.DecodeBytes(ecJwk.GetProperty("y").GetString()).Length);
        Assert.Equal("sig", ecJwk.GetProperty("use").GetString());
        Assert.Equal("ES256", ecJwk.GetProperty("alg").GetString());
        Assert.Equal(ec.KeyId, ecJwk.GetProperty("kid").GetString());

        var rsaJwk = keys[1];
        Assert.Equal(["e", "kty", "n", "use", "alg", "kid"], rsaJwk.EnumerateObject().Select(p => p.Name));
        Assert.Equal("AQAB", rsaJwk.GetProperty("e").GetString());
        Assert.Equal(256, Base64UrlEncoder.DecodeBytes(rsaJwk.GetProperty("n").GetString()).Length);
        Assert.Equal("RS256", rsaJwk.GetProperty("alg").GetString());
        Assert.Equal(rsa.KeyId, rsaJwk.GetProperty("kid").GetString());

        foreach (var key in keys)
        {
            foreach (var name in PrivateParameters)
            {
                Assert.False(key.TryGetProperty(name, out _), $"JWKS contains private parameter '{name}'");
            }
        }

        // And a standard parser agrees that no key has a private part.
        var set = new JsonWebKeySet(json);
        Assert.All(set.Keys, k => Assert.False(k.HasPrivateKey));
    }

    [Fact]
    public void Duplicate_keys_appear_once_and_empty_set_is_valid()
    {
        using var ec = SigningKeyMaterial.Generate(SigningKeyAlgorithm.ES256, TimeProvider.System);
        using var reloaded = SigningKeyMaterial.FromPem(ec.ExportPrivateKeyPem().Reveal(), DateTimeOffset.UnixEpoch);
        Assert.Single(new JsonWebKeySet(JwksDocument.Build([ec, reloaded, ec])).Keys);
        Assert.Equal("{\"keys\":[]}", JwksDocument.Build([]));
    }
}
