using System.IdentityModel.Tokens.Jwt;
using System.Security.Cryptography;
using System.Text;
using AppKeys.Credentials;
using BenchmarkDotNet.Attributes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AppKeys.Benchmarks;

/// <summary>
/// Issue #6, "Token issuance": tokens per second and bytes allocated per token for our issuers, next to the raw
/// signature rate of the same keys (the physical limit) and to System.IdentityModel.Tokens.Jwt's
/// <see cref="JwtSecurityTokenHandler"/> writing an equivalent token. Single-threaded: ops/s = per-core rate.
/// </summary>
[MemoryDiagnoser]
public class TokenIssuanceBenchmarks
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);

    private readonly JwtSecurityTokenHandler _legacyHandler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly JsonWebTokenHandler _jsonWebTokenHandler = new() { SetDefaultTimesOnTokenCreation = false };

    private SigningKeyMaterial _es256 = null!;
    private SigningKeyMaterial _rs256 = null!;
    private TokenRequest _es256Request = null!;
    private TokenRequest _rs256Request = null!;
    private TokenRequest _opaqueRequest = null!;
    private JwtTokenIssuer _jwtIssuer = null!;
    private OpaqueTokenIssuer _opaqueIssuer = null!;
    private ECDsa _rawEcdsa = null!;
    private RSA _rawRsa = null!;
    private byte[] _es256SigningInput = null!;
    private byte[] _rs256SigningInput = null!;
    private SigningCredentials _legacyEs256Credentials = null!;
    private SigningCredentials _legacyRs256Credentials = null!;

    [GlobalSetup]
    public void Setup()
    {
        var time = TimeProvider.System;
        _es256 = SigningKeyMaterial.Generate(SigningKeyAlgorithm.ES256, time);
        _rs256 = SigningKeyMaterial.Generate(SigningKeyAlgorithm.RS256, time);
        _es256Request = CreateRequest(_es256);
        _rs256Request = CreateRequest(_rs256);
        _opaqueRequest = CreateRequest(null);
        _jwtIssuer = new JwtTokenIssuer(time);
        _opaqueIssuer = new OpaqueTokenIssuer(time);

        // The raw and legacy baselines use the very same keys, loaded from the PEM the operator would store.
        _rawEcdsa = ECDsa.Create();
        _rawEcdsa.ImportFromPem(_es256.ExportPrivateKeyPem().Reveal());
        _rawRsa = RSA.Create();
        _rawRsa.ImportFromPem(_rs256.ExportPrivateKeyPem().Reveal());
        _legacyEs256Credentials = new SigningCredentials(new ECDsaSecurityKey(_rawEcdsa) { KeyId = _es256.KeyId }, SecurityAlgorithms.EcdsaSha256);
        _legacyRs256Credentials = new SigningCredentials(new RsaSecurityKey(_rawRsa) { KeyId = _rs256.KeyId }, SecurityAlgorithms.RsaSha256);

        // Raw signatures sign an input of the same size as a real token's "header.payload".
        _es256SigningInput = SigningInput(_jwtIssuer.Issue(_es256Request));
        _rs256SigningInput = SigningInput(_jwtIssuer.Issue(_rs256Request));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _es256.Dispose();
        _rs256.Dispose();
        _rawEcdsa.Dispose();
        _rawRsa.Dispose();
    }

    [Benchmark(Description = "raw ECDSA P-256 SignData")]
    [BenchmarkCategory("ES256")]
    public byte[] RawEcdsaSign() =>
        _rawEcdsa.SignData(_es256SigningInput, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    [Benchmark(Description = "ES256 JWT, JwtTokenIssuer")]
    [BenchmarkCategory("ES256")]
    public IssuedToken Es256Jwt() => _jwtIssuer.Issue(_es256Request);

    [Benchmark(Description = "ES256 JWT, JwtSecurityTokenHandler")]
    [BenchmarkCategory("ES256")]
    public string Es256JwtLegacyHandler() => WriteLegacyToken(_legacyEs256Credentials);

    [Benchmark(Description = "ES256 JWT, JsonWebTokenHandler")]
    [BenchmarkCategory("ES256")]
    public string Es256JwtJsonWebTokenHandler() => _jsonWebTokenHandler.CreateToken(new SecurityTokenDescriptor
    {
        Issuer = "https://appkeys.example/oauth2/token",
        Audience = "https://api.example",
        IssuedAt = Now.UtcDateTime,
        NotBefore = Now.UtcDateTime,
        Expires = Now.UtcDateTime.AddSeconds(3600),
        SigningCredentials = _legacyEs256Credentials,
        Claims = new Dictionary<string, object>
        {
            ["sub"] = "NtBQkXoKElu0H1a1fQ0DWfo6IX4a",
            ["client_id"] = "NtBQkXoKElu0H1a1fQ0DWfo6IX4a",
            ["azp"] = "NtBQkXoKElu0H1a1fQ0DWfo6IX4a",
            ["scope"] = "orders:read orders:write",
            ["keytype"] = "PRODUCTION",
            ["application"] = new Dictionary<string, object>
            {
                ["name"] = "orders-app",
                ["namespace"] = "team-a",
                ["uuid"] = "7f9c1f0e-2c53-4b8a-9d43-3f1f5f0d6a11",
                ["owner"] = "alice",
                ["tier"] = "10PerMin",
            },
            ["aut"] = "APPLICATION",
            ["jti"] = Guid.NewGuid().ToString("D"),
        },
    });

    [Benchmark(Description = "raw RSA-2048 SignData")]
    [BenchmarkCategory("RS256")]
    public byte[] RawRsaSign() => _rawRsa.SignData(_rs256SigningInput, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    [Benchmark(Description = "RS256 JWT, JwtTokenIssuer")]
    [BenchmarkCategory("RS256")]
    public IssuedToken Rs256Jwt() => _jwtIssuer.Issue(_rs256Request);

    [Benchmark(Description = "RS256 JWT, JwtSecurityTokenHandler")]
    [BenchmarkCategory("RS256")]
    public string Rs256JwtLegacyHandler() => WriteLegacyToken(_legacyRs256Credentials);

    [Benchmark(Description = "opaque, OpaqueTokenIssuer")]
    [BenchmarkCategory("Opaque")]
    public IssuedToken Opaque() => _opaqueIssuer.Issue(_opaqueRequest);

    private static TokenRequest CreateRequest(SigningKeyMaterial? key) => new()
    {
        Issuer = "https://appkeys.example/oauth2/token",
        Audiences = ["https://api.example"],
        ConsumerKey = "NtBQkXoKElu0H1a1fQ0DWfo6IX4a",
        KeyType = ApplicationKeyType.Production,
        Scopes = ["orders:read", "orders:write"],
        ValidityPeriodSeconds = 3600,
        Application = new ApplicationInfo("orders-app", "team-a", "7f9c1f0e-2c53-4b8a-9d43-3f1f5f0d6a11", "alice", "10PerMin"),
        SigningKey = key,
    };

    private static byte[] SigningInput(IssuedToken token)
    {
        var jwt = token.AccessToken.Reveal();
        return Encoding.ASCII.GetBytes(jwt[..jwt.LastIndexOf('.')]);
    }

    // The same header and claims as JwtTokenIssuer writes, through the older handler.
    private string WriteLegacyToken(SigningCredentials credentials)
    {
        var iat = Now.ToUnixTimeSeconds();
        var payload = new JwtPayload
        {
            { "iss", "https://appkeys.example/oauth2/token" },
            { "sub", "NtBQkXoKElu0H1a1fQ0DWfo6IX4a" },
            { "aud", "https://api.example" },
            { "client_id", "NtBQkXoKElu0H1a1fQ0DWfo6IX4a" },
            { "azp", "NtBQkXoKElu0H1a1fQ0DWfo6IX4a" },
            { "scope", "orders:read orders:write" },
            { "keytype", "PRODUCTION" },
            {
                "application", new Dictionary<string, object>
                {
                    ["name"] = "orders-app",
                    ["namespace"] = "team-a",
                    ["uuid"] = "7f9c1f0e-2c53-4b8a-9d43-3f1f5f0d6a11",
                    ["owner"] = "alice",
                    ["tier"] = "10PerMin",
                }
            },
            { "aut", "APPLICATION" },
            { "jti", Guid.NewGuid().ToString("D") },
            { "iat", iat },
            { "nbf", iat },
            { "exp", iat + 3600 },
        };
        return _legacyHandler.WriteToken(new JwtSecurityToken(new JwtHeader(credentials), payload));
    }
}
