using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AppKeys.Credentials.Tests;

public class JwtTokenIssuerTests
{
    // 2026-11-24T00:00:00.750Z: the fraction checks that iat is truncated to whole seconds.
    private static readonly DateTimeOffset Now = new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero).AddMilliseconds(750);
    private static readonly long NowSeconds = Now.ToUnixTimeSeconds();

    public static TheoryData<SigningKeyAlgorithm> Algorithms => new() { SigningKeyAlgorithm.ES256, SigningKeyAlgorithm.RS256 };

    [Theory]
    [MemberData(nameof(Algorithms))]
    public async Task Token_validates_with_the_JWKS_signature_issuer_audience_and_lifetime(SigningKeyAlgorithm algorithm)
    {
        // The standard validator checks lifetime against the wall clock, so issue relative to it.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var key = SigningKeyMaterial.Generate(algorithm, time);
        using var otherKey = SigningKeyMaterial.Generate(algorithm, time);
        var issued = new JwtTokenIssuer(time).Issue(TestRequests.Create(key, validitySeconds: 3600));

        var result = await ValidateAsync(issued, JwksDocument.Build([otherKey, key]));

        Assert.True(result.IsValid, result.Exception?.Message);
        Assert.Equal(key.KeyId, ((JsonWebToken)result.SecurityToken).Kid);
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public async Task Token_past_its_exp_is_rejected_as_expired(SigningKeyAlgorithm algorithm)
    {
        // Issued two hours ago with a one-hour validity: expired an hour ago by the validator's wall clock.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-2));
        using var key = SigningKeyMaterial.Generate(algorithm, time);
        var issued = new JwtTokenIssuer(time).Issue(TestRequests.Create(key, validitySeconds: 3600));

        var result = await ValidateAsync(issued, JwksDocument.Build([key]));

        Assert.False(result.IsValid);
        Assert.IsType<SecurityTokenExpiredException>(result.Exception);
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public async Task Token_signed_by_another_key_is_rejected(SigningKeyAlgorithm algorithm)
    {
        var time = new FakeTimeProvider(Now);
        using var key = SigningKeyMaterial.Generate(algorithm, time);
        using var otherKey = SigningKeyMaterial.Generate(algorithm, time);
        var issued = new JwtTokenIssuer(time).Issue(TestRequests.Create(key));

        var result = await ValidateAsync(issued, JwksDocument.Build([otherKey]));

        Assert.False(result.IsValid);
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Header_has_alg_typ_and_kid(SigningKeyAlgorithm algorithm)
    {
        var time = new FakeTimeProvider(Now);
        using var key = SigningKeyMaterial.Generate(algorithm, time);
        var issued = new JwtTokenIssuer(time).Issue(TestRequests.Create(key));

        using var header = DecodeSegment(issued, 0);
        Assert.Equal(algorithm.ToString(), header.RootElement.GetProperty("alg").GetString());
        Assert.Equal("JWT", header.RootElement.GetProperty("typ").GetString());
        Assert.Equal(key.KeyId, header.RootElement.GetProperty("kid").GetString());
        Assert.Equal(key.KeyId, issued.KeyId);
    }

    [Fact]
    public void Payload_has_exactly_the_expected_claims()
    {
        var time = new FakeTimeProvider(Now);
        using var key = SigningKeyMaterial.Generate(SigningKeyAlgorithm.ES256, time);
        var issued = new JwtTokenIssuer(time).Issue(TestRequests.Create(key, validitySeconds: 3600));

        using var payload = DecodeSegment(issued, 1);
        var root = payload.RootElement;
        Assert.Equal(
            ["iss", "sub", "aud", "client_id", "azp", "scope", "keytype", "application", "aut", "jti", "iat", "nbf", "exp"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(TestRequests.Issuer, root.GetProperty("iss").GetString());
        Assert.Equal(TestRequests.ConsumerKey, root.GetProperty("sub").GetString());
        Assert.Equal(TestRequests.ConsumerKey, root.GetProperty("client_id").GetString());
        Assert.Equal(TestRequests.ConsumerKey, root.GetProperty("azp").GetString());
        Assert.Equal(TestRequests.Audience, root.GetProperty("aud").GetString());
        Assert.Equal("orders:read orders:write", root.GetProperty("scope").GetString());
        Assert.Equal("PRODUCTION", root.GetProperty("keytype").GetString());
        Assert.Equal("APPLICATION", root.GetProperty("aut").GetString());
        var application = root.GetProperty("application");
        Assert.Equal(JsonValueKind.Object, application.ValueKind);
        Assert.Equal("orders-app", application.GetProperty("name").GetString());
        Assert.Equal("team-a", application.GetProperty("namespace").GetString());
        Assert.Equal(TestRequests.Application.Uuid, application.GetProperty("uuid").GetString());
        Assert.Equal("alice", application.GetProperty("owner").GetString());
        Assert.Equal("10PerMin", application.GetProperty("tier").GetString());
        Assert.Equal(issued.TokenId, root.GetProperty("jti").GetString());
        Assert.True(Guid.TryParseExact(issued.TokenId, "D", out var jti));
        Assert.Equal(4, jti.Version);
        Assert.Equal(NowSeconds, root.GetProperty("iat").GetInt64());
        Assert.Equal(NowSeconds, root.GetProperty("nbf").GetInt64());
        Assert.Equal(NowSeconds + 3600, root.GetProperty("exp").GetInt64());

        Assert.Equal(AccessTokenType.Jwt, issued.TokenType);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(NowSeconds), issued.IssuedAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(NowSeconds + 3600), issued.ExpiresAt);
    }

    [Fact]
    public void A_token_for_an_ApplicationKey_carries_its_uid_as_appkey_uid_after_aut()
    {
        var time = new FakeTimeProvider(Now);
        using var key = SigningKeyMaterial.Generate(SigningKeyAlgorithm.ES256, time);
        var issued = new JwtTokenIssuer(time).Issue(TestRequests.Create(key) with { ApplicationKeyUid = "6f1c2a7e-3b4d-4e5f-8a9b-0c1d2e3f4a5b" });

        using var payload = DecodeSegment(issued, 1);
        Assert.Equal("6f1c2a7e-3b4d-4e5f-8a9b-0c1d2e3f4a5b", payload.RootElement.GetProperty(JwtTokenIssuer.ApplicationKeyUidClaim).GetString());
        Assert.Equal(
            ["iss", "sub", "aud", "client_id", "azp", "scope", "keytype", "application", "aut", "appkey_uid", "jti", "iat", "nbf", "exp"],
            payload.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Throws<ArgumentException>(() => new JwtTokenIssuer(time).Issue(TestRequests.Create(key) with { ApplicationKeyUid = " " }));
    }

    [Fact]
    public void Sandbox_key_type_no_scopes_and_several_audiences()
    {
        var time = new FakeTimeProvider(Now);
        using var key = SigningKeyMaterial.Generate(SigningKeyAlgorithm.ES256, time);
        var request = TestRequests.Create(key) with
        {
            KeyType = ApplicationKeyType.Sandbox,
            Scopes = [],
            Audiences = ["https://a.example", "https://b.example"],
        };

        using var payload = DecodeSegment(new JwtTokenIssuer(time).Issue(request), 1);

        Assert.Equal("SANDBOX", payload.RootElement.GetProperty("keytype").GetString());
        Assert.False(payload.RootElement.TryGetProperty("scope", out _));
        Assert.Equal(["https://a.example", "https://b.example"], payload.RootElement.GetProperty("aud").EnumerateArray().Select(a => a.GetString()));
    }

    [Fact]
    public void Audience_defaults_to_the_consumer_key()
    {
        var time = new FakeTimeProvider(Now);
        using var key = SigningKeyMaterial.Generate(SigningKeyAlgorithm.ES256, time);
        using var payload = DecodeSegment(new JwtTokenIssuer(time).Issue(TestRequests.Create(key) with { Audiences = [] }), 1);
        Assert.Equal(TestRequests.ConsumerKey, payload.RootElement.GetProperty("aud").GetString());
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public async Task Negative_validity_never_expires_and_has_no_exp(SigningKeyAlgorithm algorithm)
    {
        // Issued ten years ago: still valid for a validator that does not require exp.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(-3650));
        using var key = SigningKeyMaterial.Generate(algorithm, time);
        var issued = new JwtTokenIssuer(time).Issue(TestRequests.Create(key, validitySeconds: -1));

        Assert.Null(issued.ExpiresAt);
        using var payload = DecodeSegment(issued, 1);
        Assert.False(payload.RootElement.TryGetProperty("exp", out _));

        var result = await ValidateAsync(issued, JwksDocument.Build([key]), requireExpirationTime: false);
        Assert.True(result.IsValid, result.Exception?.Message);
    }

    [Fact]
    public void One_second_validity_expires_one_second_after_iat()
    {
        var time = new FakeTimeProvider(Now);
        using var key = SigningKeyMaterial.Generate(SigningKeyAlgorithm.ES256, time);
        var issued = new JwtTokenIssuer(time).Issue(TestRequests.Create(key, validitySeconds: 1));

        using var payload = DecodeSegment(issued, 1);
        Assert.Equal(NowSeconds + 1, payload.RootElement.GetProperty("exp").GetInt64());
    }

    [Fact]
    public async Task Huge_validity_is_capped_at_year_9999_and_still_validates()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var key = SigningKeyMaterial.Generate(SigningKeyAlgorithm.ES256, time);
        var issued = new JwtTokenIssuer(time).Issue(TestRequests.Create(key, validitySeconds: long.MaxValue));

        Assert.Equal(ValidityPolicy.MaxExpiresAt, issued.ExpiresAt);
        using var payload = DecodeSegment(issued, 1);
        Assert.Equal(253402300799L, payload.RootElement.GetProperty("exp").GetInt64());
        var result = await ValidateAsync(issued, JwksDocument.Build([key]));
        Assert.True(result.IsValid, result.Exception?.Message);
    }

    [Fact]
    public void Each_token_gets_a_new_jti()
    {
        var time = new FakeTimeProvider(Now);
        using var key = SigningKeyMaterial.Generate(SigningKeyAlgorithm.ES256, time);
        var issuer = new JwtTokenIssuer(time);
        var ids = Enumerable.Range(0, 1000).Select(_ => issuer.Issue(TestRequests.Create(key)).TokenId).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(1000, ids.Count);
    }

    [Fact]
    public void Token_is_redacted_in_ToString()
    {
        var time = new FakeTimeProvider(Now);
        using var key = SigningKeyMaterial.Generate(SigningKeyAlgorithm.ES256, time);
        var issued = new JwtTokenIssuer(time).Issue(TestRequests.Create(key));
        Assert.Equal("***", issued.AccessToken.ToString());
        Assert.DoesNotContain(issued.AccessToken.Reveal(), issued.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("eyJ", issued.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rsa_3072_tokens_validate()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var key = SigningKeyMaterial.Generate(SigningKeyAlgorithm.RS256, time, 3072);
        var issued = new JwtTokenIssuer(time).Issue(TestRequests.Create(key));
        var result = await ValidateAsync(issued, JwksDocument.Build([key]));
        Assert.True(result.IsValid, result.Exception?.Message);
    }

    [Fact]
    public async Task Thousands_of_scopes_and_unicode_values_round_trip()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var key = SigningKeyMaterial.Generate(SigningKeyAlgorithm.ES256, time);
        var scopes = Enumerable.Range(0, 3000).Select(i => $"scope:{i}").ToArray();
        var request = TestRequests.Create(key) with
        {
            Scopes = scopes,
            Application = TestRequests.Application with { Name = "bestellungen-\u00fc\"\u2603<>" },
        };
        var issuer = new JwtTokenIssuer(time);

        // Twice: the second issue runs after the oversized per-thread buffer was dropped.
        foreach (var issued in new[] { issuer.Issue(request), issuer.Issue(request), issuer.Issue(TestRequests.Create(key)) })
        {
            var result = await ValidateAsync(issued, JwksDocument.Build([key]));
            Assert.True(result.IsValid, result.Exception?.Message);
        }

        using var payload = DecodeSegment(issuer.Issue(request), 1);
        Assert.Equal(string.Join(' ', scopes), payload.RootElement.GetProperty("scope").GetString());
        Assert.Equal("bestellungen-\u00fc\"\u2603<>", payload.RootElement.GetProperty("application").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Concurrent_issuance_produces_valid_distinct_tokens()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var es256 = SigningKeyMaterial.Generate(SigningKeyAlgorithm.ES256, time);
        using var rs256 = SigningKeyMaterial.Generate(SigningKeyAlgorithm.RS256, time);
        var issuer = new JwtTokenIssuer(time);
        var jwks = JwksDocument.Build([es256, rs256]);

        var tokens = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(() =>
            issuer.Issue(TestRequests.Create(i % 2 == 0 ? es256 : rs256) with { Scopes = [$"s{i}"] }))));

        Assert.Equal(64, tokens.Select(t => t.TokenId).Distinct(StringComparer.Ordinal).Count());
        for (var i = 0; i < tokens.Length; i++)
        {
            var result = await ValidateAsync(tokens[i], jwks);
            Assert.True(result.IsValid, result.Exception?.Message);
            Assert.Equal($"s{i}", ((JsonWebToken)result.SecurityToken).GetClaim("scope").Value);
        }
    }

    [Fact]
    public void Header_has_exactly_alg_kid_typ()
    {
        var time = new FakeTimeProvider(Now);
        using var key = SigningKeyMaterial.Generate(SigningKeyAlgorithm.ES256, time);
        using var header = DecodeSegment(new JwtTokenIssuer(time).Issue(TestRequests.Create(key)), 0);
        Assert.Equal(["alg", "kid", "typ"], header.RootElement.EnumerateObject().Select(p => p.Name));
    }

    public static TheoryData<string, Func<TokenRequest, TokenRequest>> InvalidRequests => new()
    {
        { "validity 0", r => r with { ValidityPeriodSeconds = 0 } },
        { "no signing key", r => r with { SigningKey = null } },
        { "empty issuer", r => r with { Issuer = "" } },
        { "empty consumer key", r => r with { ConsumerKey = " " } },
        { "empty audience", r => r with { Audiences = [""] } },
        { "scope with space", r => r with { Scopes = ["a b"] } },
        { "empty scope", r => r with { Scopes = [""] } },
    };

    [Theory]
    [MemberData(nameof(InvalidRequests))]
    public void Invalid_requests_are_rejected(string because, Func<TokenRequest, TokenRequest> mutate)
    {
        using var key = SigningKeyMaterial.Generate(SigningKeyAlgorithm.ES256, TimeProvider.System);
        var issuer = new JwtTokenIssuer(new FakeTimeProvider(Now));
        Assert.True(Assert.Throws<ArgumentException>(() => issuer.Issue(mutate(TestRequests.Create(key)))) is not null, because);
    }

    private static JsonDocument DecodeSegment(IssuedToken token, int index) =>
        JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(token.AccessToken.Reveal().Split('.')[index]));

    private static Task<TokenValidationResult> ValidateAsync(IssuedToken token, string jwks, bool requireExpirationTime = true) =>
        new JsonWebTokenHandler().ValidateTokenAsync(token.AccessToken.Reveal(), new TokenValidationParameters
        {
            IssuerSigningKeys = new JsonWebKeySet(jwks).GetSigningKeys(),
            ValidIssuer = TestRequests.Issuer,
            ValidAudience = TestRequests.Audience,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            ValidateIssuerSigningKey = true,
            RequireSignedTokens = true,
            RequireExpirationTime = requireExpirationTime,
            ClockSkew = TimeSpan.Zero,
        });
}
