using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using AppKeys.Operator.Apis;
using AppKeys.Operator.KeyManager;
using Duende.IdentityModel.Client;
using k8s.Models;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AppKeys.Operator.Tests.KeyManager;

/// <summary>The key manager's endpoints driven by Duende.IdentityModel (a client not written here) over HTTPS.</summary>
[Collection(KeyManagerCollection.Name)]
public sealed class KeyManagerEndpointTests(KeyManagerFixture f)
{
    private string TokenEndpoint => f.Issuer + KeyManagerEndpoints.TokenPath;

    private string IntrospectionEndpoint => f.Issuer + KeyManagerEndpoints.IntrospectPath;

    private string RevocationEndpoint => f.Issuer + KeyManagerEndpoints.RevokePath;

    [Fact]
    public async Task Discovery_with_the_default_policy_accepts_the_metadata_and_its_key_set()
    {
        using var http = f.NewHttpClient();
        var disco = await http.GetDiscoveryDocumentAsync(f.Issuer);
        Assert.False(disco.IsError, disco.Error);
        Assert.Equal(f.Issuer, disco.Issuer);
        Assert.Equal(TokenEndpoint, disco.TokenEndpoint);
        Assert.Equal(IntrospectionEndpoint, disco.IntrospectionEndpoint);
        Assert.Equal(RevocationEndpoint, disco.RevocationEndpoint);
        Assert.Equal(f.Issuer + KeyManagerEndpoints.JwksPath, disco.JwksUri);
        Assert.NotEmpty(disco.KeySet!.Keys);
        Assert.Contains("client_credentials", disco.GrantTypesSupported);
        Assert.Contains("client_secret_basic", disco.TokenEndpointAuthenticationMethodsSupported);
        Assert.Contains("client_secret_post", disco.TokenEndpointAuthenticationMethodsSupported);

        // RFC 8414 location too, and nothing but the key manager on the HTTPS port.
        var rfc8414 = await http.GetStringAsync(new Uri(f.Issuer + KeyManagerEndpoints.AuthorizationServerPath));
        Assert.Equal(f.Issuer, JsonDocument.Parse(rfc8414).RootElement.GetProperty("issuer").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri(f.Issuer + "/metrics"))).StatusCode);
    }

    [Fact]
    public async Task Client_credentials_by_basic_and_post_give_JWTs_that_validate_with_the_jwks_uri_keys_and_introspect()
    {
        var (ns, app, key, secret) = await f.CreateApplicationAsync("km-jwt");
        using var http = f.NewHttpClient();
        var basic = await http.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = TokenEndpoint,
            ClientId = key,
            ClientSecret = secret,
            Scope = "orders:read",
            ClientCredentialStyle = ClientCredentialStyle.AuthorizationHeader,
        });
        Assert.False(basic.IsError, basic.Raw);
        var post = await http.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = TokenEndpoint,
            ClientId = key,
            ClientSecret = secret,
            ClientCredentialStyle = ClientCredentialStyle.PostBody,
        });
        Assert.False(post.IsError, post.Raw);
        Assert.Equal("Bearer", basic.TokenType);
        Assert.Equal(3600, basic.ExpiresIn);
        Assert.Equal("orders:read", basic.Scope);
        Assert.Null(post.Scope); // no scope requested: a token without scopes

        var jwks = new JsonWebKeySet(await http.GetStringAsync(new Uri(f.Issuer + KeyManagerEndpoints.JwksPath)));
        var validation = new TokenValidationParameters
        {
            ValidIssuer = f.Issuer,
            ValidAudience = key,
            IssuerSigningKeys = jwks.GetSigningKeys(),
        };
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(basic.AccessToken, validation);
        Assert.True(result.IsValid, result.Exception?.Message);
        var jwt = (JsonWebToken)result.SecurityToken;
        Assert.Equal(key, jwt.GetClaim("client_id").Value);
        Assert.Equal("orders:read", jwt.GetClaim("scope").Value);
        Assert.Equal("PRODUCTION", jwt.GetClaim("keytype").Value);
        Assert.Contains(ns, jwt.GetClaim("application").Value, StringComparison.Ordinal);
        Assert.True((await new JsonWebTokenHandler().ValidateTokenAsync(post.AccessToken, validation)).IsValid);

        var caller = await f.IntrospectorTokenAsync($"gateway-{ns}", ns);
        var introspection = await IntrospectAsync(http, IntrospectionEndpoint, basic.AccessToken!, caller);
        Assert.False(introspection.IsError, introspection.Raw);
        Assert.True(introspection.IsActive, introspection.Raw);
        var json = introspection.Json!.Value;
        Assert.Equal(key, json.GetProperty("client_id").GetString());
        Assert.Equal("orders:read", json.GetProperty("scope").GetString());
        Assert.Equal(jwt.Id, json.GetProperty("jti").GetString());
        Assert.Equal(jwt.GetClaim("exp").Value, json.GetProperty("exp").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(f.Issuer, json.GetProperty("iss").GetString());
        Assert.Equal(key, json.GetProperty("sub").GetString());
        Assert.Equal("PRODUCTION", json.GetProperty("keytype").GetString());
        Assert.Equal(ns, json.GetProperty("application").GetProperty("namespace").GetString());
        Assert.Equal(app.Status!.ApplicationId, json.GetProperty("application").GetProperty("uuid").GetString());
        AssertNotLogged(secret, basic.AccessToken!, post.AccessToken!, caller);
    }

    [Fact]
    public async Task Opaque_tokens_are_sealed_introspect_on_both_replicas_and_a_token_request_writes_nothing()
    {
        var (ns, _, key, secret) = await f.CreateApplicationAsync("km-opaque", s => s.TokenType = TokenTypes.Opaque);
        var (jwtNs, _, jwtKey, jwtSecret) = await f.CreateApplicationAsync("km-writes");
        var standby = f.Standby();
        var standbyBase = ReferenceEquals(standby, f.ReplicaA) ? f.Issuer : f.ReplicaBBase;
        using var http = f.NewHttpClient();
        await RequestAsync(http, standbyBase, key, secret); // warm
        var writesBefore = KeyManagerFixture.ApiWrites(standby);
        var tokens = new List<string>();
        for (var i = 0; i < 25; i++)
        {
            tokens.Add(await RequestAsync(http, standbyBase, key, secret, "orders:write"));
            tokens.Add(await RequestAsync(http, standbyBase, jwtKey, jwtSecret));
        }

        Assert.Equal(writesBefore, KeyManagerFixture.ApiWrites(standby));
        var opaque = tokens[0];
        Assert.StartsWith(SealedTokenFormat.Prefix, opaque, StringComparison.Ordinal);
        Assert.Equal(tokens.Count, tokens.Distinct(StringComparer.Ordinal).Count());

        var caller = await f.IntrospectorTokenAsync($"gateway-{ns}", ns, jwtNs);
        foreach (var endpoint in new[] { IntrospectionEndpoint, f.ReplicaBBase + KeyManagerEndpoints.IntrospectPath })
        {
            var answer = await IntrospectAsync(http, endpoint, opaque, caller);
            Assert.True(answer.IsActive, answer.Raw);
            Assert.Equal(key, answer.Json!.Value.GetProperty("client_id").GetString());
            Assert.Equal("orders:write", answer.Json!.Value.GetProperty("scope").GetString());
            Assert.Equal("Opaque", answer.Json!.Value.GetProperty("token_format").GetString());
        }

        AssertNotLogged([secret, jwtSecret, .. tokens]);
    }

    [Fact]
    public async Task Revoking_through_one_replica_makes_the_token_inactive_on_the_other_and_only_the_owner_can_revoke()
    {
        var (ns, _, key, secret) = await f.CreateApplicationAsync("km-revoke", s => s.TokenType = TokenTypes.Opaque);
        var (otherNs, _, otherKey, otherSecret) = await f.CreateApplicationAsync("km-revoke-other");
        using var http = f.NewHttpClient();
        var caller = await f.IntrospectorTokenAsync($"gateway-{ns}", ns, otherNs);
        var replicaB = f.ReplicaBBase + KeyManagerEndpoints.IntrospectPath;
        foreach (var (clientId, clientSecret) in new[] { (key, secret), (otherKey, otherSecret) })
        {
            var token = await RequestAsync(http, f.Issuer, clientId, clientSecret);
            Assert.True((await IntrospectAsync(http, replicaB, token, caller)).IsActive);

            // Another client's revocation is answered 200 and changes nothing.
            var (foreignKey, foreignSecret) = clientId == key ? (otherKey, otherSecret) : (key, secret);
            var foreign = await http.RevokeTokenAsync(new TokenRevocationRequest { Address = RevocationEndpoint, ClientId = foreignKey, ClientSecret = foreignSecret, Token = token });
            Assert.False(foreign.IsError, foreign.Raw);
            Assert.True((await IntrospectAsync(http, replicaB, token, caller)).IsActive);

            var revoked = await http.RevokeTokenAsync(new TokenRevocationRequest { Address = RevocationEndpoint, ClientId = clientId, ClientSecret = clientSecret, Token = token, TokenTypeHint = "access_token" });
            Assert.False(revoked.IsError, revoked.Raw);
            var watch = Stopwatch.StartNew();
            await Eventually.GetAsync(async () => (await IntrospectAsync(http, replicaB, token, caller)).IsActive ? "active" : "inactive", s => s == "inactive", "the revoked token is inactive on replica B");
            Console.WriteLine($"revocation propagated to the other replica in {watch.ElapsedMilliseconds} ms");
            Assert.False((await IntrospectAsync(http, IntrospectionEndpoint, token, caller)).IsActive);
            AssertNotLogged(secret, otherSecret, token, caller);
        }

        // Unknown tokens: 200 as well.
        var unknown = await http.RevokeTokenAsync(new TokenRevocationRequest { Address = RevocationEndpoint, ClientId = key, ClientSecret = secret, Token = "not-a-token-we-issued" });
        Assert.False(unknown.IsError, unknown.Raw);
        Assert.Equal(HttpStatusCode.OK, unknown.HttpStatusCode);
    }

    [Fact]
    public async Task Introspection_needs_a_caller_the_API_server_authenticates_and_RBAC_allows_in_the_tokens_namespace()
    {
        var (ns, _, key, secret) = await f.CreateApplicationAsync("km-authz");
        var (elsewhere, _, _, _) = await f.CreateApplicationAsync("km-authz-other");
        using var http = f.NewHttpClient();
        var token = await RequestAsync(http, f.Issuer, key, secret);

        using (var anonymous = new HttpRequestMessage(HttpMethod.Post, IntrospectionEndpoint) { Content = Form(("token", token)) })
        {
            var response = await http.SendAsync(anonymous);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }

        var forged = await IntrospectAsync(http, IntrospectionEndpoint, token, "not-a-kubernetes-token");
        Assert.Equal(HttpStatusCode.Unauthorized, forged.HttpStatusCode);

        var unbound = await f.IntrospectorTokenAsync($"stranger-{ns}");
        Assert.False((await IntrospectAsync(http, IntrospectionEndpoint, token, unbound)).IsActive);
        var boundElsewhere = await f.IntrospectorTokenAsync($"neighbour-{ns}", elsewhere);
        Assert.False((await IntrospectAsync(http, IntrospectionEndpoint, token, boundElsewhere)).IsActive);
        var bound = await f.IntrospectorTokenAsync($"gateway-{ns}", ns);
        Assert.True((await IntrospectAsync(http, IntrospectionEndpoint, token, bound)).IsActive);
    }

    [Fact]
    public async Task Tokens_are_withdrawn_when_a_scope_is_no_longer_allowed_or_the_Application_is_deleted()
    {
        var (ns, _, key, secret) = await f.CreateApplicationAsync("km-withdraw");
        using var http = f.NewHttpClient();
        var caller = await f.IntrospectorTokenAsync($"gateway-{ns}", ns);
        var writeToken = await RequestAsync(http, f.Issuer, key, secret, "orders:write");
        var readToken = await RequestAsync(http, f.Issuer, key, secret, "orders:read");
        Assert.True((await IntrospectAsync(http, IntrospectionEndpoint, writeToken, caller)).IsActive);

        var app = await f.Applications.GetAsync("shop", ns);
        app!.Spec.AllowedScopes = ["orders:read"];
        await f.Applications.ReplaceAsync(app);
        await Eventually.GetAsync(async () => (await IntrospectAsync(http, IntrospectionEndpoint, writeToken, caller)).IsActive ? "active" : "inactive", s => s == "inactive", "a token with a withdrawn scope is inactive");
        Assert.True((await IntrospectAsync(http, IntrospectionEndpoint, readToken, caller)).IsActive);

        await f.Applications.DeleteAsync("shop", ns);
        await Eventually.GetAsync(async () => (await IntrospectAsync(http, IntrospectionEndpoint, readToken, caller)).IsActive ? "active" : "inactive", s => s == "inactive", "a token of a deleted Application is inactive");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(600)]
    public async Task A_regenerated_consumer_secret_is_accepted_at_once_and_its_predecessor_only_within_the_grace_period(long graceSeconds)
    {
        var (ns, _, key, oldSecret) = await f.CreateApplicationAsync("km-regen", s => s.SecretRotation = new V1Alpha1SecretRotation { GracePeriodSeconds = graceSeconds });
        using var http = f.NewHttpClient();
        await RequestAsync(http, f.Issuer, key, oldSecret);

        var app = await f.Applications.GetAsync("shop", ns);
        app!.Metadata.Annotations = new Dictionary<string, string> { [AppKeysAnnotations.RegenerateSecret] = "1" };
        await f.Applications.ReplaceAsync(app);
        var secretName = app.Status!.SecretName!;
        var keyType = app.Status.Keys![0].KeyType.ToLowerInvariant();
        var newSecret = await Eventually.GetAsync(
            async () => Encoding.UTF8.GetString((await f.Secrets.GetAsync(secretName, ns))!.Data[$"{keyType}.consumerSecret"]),
            s => s != oldSecret,
            "the consumer secret is regenerated");

        // Both replicas answer from their caches, which follow the Secret and the Application's status.
        foreach (var baseUrl in new[] { f.Issuer, f.ReplicaBBase })
        {
            await Eventually.GetAsync(() => TryRequestAsync(http, baseUrl, key, newSecret), e => e is null, "the new consumer secret is accepted");
            Assert.Equal(graceSeconds > 0 ? null : "401 invalid_client", await TryRequestAsync(http, baseUrl, key, oldSecret));
        }

        Assert.Equal("401 invalid_client", await TryRequestAsync(http, f.Issuer, key, newSecret + "x"));
        AssertNotLogged(oldSecret, newSecret);
    }

    [Fact]
    public async Task Tokens_of_a_signing_key_revoked_in_an_emergency_introspect_inactive_even_after_they_were_verified()
    {
        var (ns, _, key, secret) = await f.CreateApplicationAsync("km-keyleak");
        using var http = f.NewHttpClient();
        var caller = await f.IntrospectorTokenAsync($"gateway-{ns}", ns);
        var token = await RequestAsync(http, f.Issuer, key, secret);
        var endpoints = new[] { IntrospectionEndpoint, f.ReplicaBBase + KeyManagerEndpoints.IntrospectPath };
        foreach (var endpoint in endpoints)
        {
            // Twice: the second answer comes from the replica's set of signatures it already verified.
            Assert.True((await IntrospectAsync(http, endpoint, token, caller)).IsActive);
            Assert.True((await IntrospectAsync(http, endpoint, token, caller)).IsActive);
        }

        var kid = new JsonWebToken(token).Kid;
        var signing = await f.Secrets.GetAsync(AppKeys.Operator.Signing.SigningKeySecret.SecretName, KeyManagerFixture.OperatorNamespace);
        signing!.Metadata.Annotations ??= new Dictionary<string, string>();
        signing.Metadata.Annotations[AppKeys.Operator.Signing.SigningKeySecret.RevokeAnnotation] = kid;
        await f.Secrets.ReplaceAsync(signing);

        foreach (var endpoint in endpoints)
        {
            await Eventually.GetAsync(async () => (await IntrospectAsync(http, endpoint, token, caller)).IsActive ? "active" : "inactive", s => s == "inactive", "a token signed by the revoked key is inactive");
        }

        // The endpoint goes on signing with the next key, whose tokens introspect.
        var fresh = await Eventually.GetAsync(
            async () => (await http.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest { Address = f.Issuer + KeyManagerEndpoints.TokenPath, ClientId = key, ClientSecret = secret })).AccessToken,
            t => t is not null && new JsonWebToken(t).Kid != kid,
            "a token signed by another key");
        Assert.True((await IntrospectAsync(http, IntrospectionEndpoint, fresh, caller)).IsActive);
        AssertNotLogged(secret, token, fresh, caller);
    }

    [Fact]
    public async Task ApplicationKey_tokens_introspect_JWT_and_opaque()
    {
        foreach (var tokenType in new[] { TokenTypes.Jwt, TokenTypes.Opaque })
        {
            var (ns, _, _, _) = await f.CreateApplicationAsync("km-keys", s => s.TokenType = tokenType);
            await f.Keys.CreateAsync(new V1Alpha1ApplicationKey
            {
                Metadata = new V1ObjectMeta { Name = "shop-prod", NamespaceProperty = ns },
                Spec = new V1Alpha1ApplicationKeySpec { ApplicationRef = new V1Alpha1ApplicationReference { Name = "shop" }, Scopes = ["orders:read"] },
            });
            var key = await Eventually.GetAsync(() => f.Keys.GetAsync("shop-prod", ns), k => k?.Status?.TokenId is { Length: > 0 }, $"ApplicationKey {ns}/shop-prod has a token");
            var secret = await f.Secrets.GetAsync(key.Status!.SecretName!, ns);
            var token = Encoding.UTF8.GetString(secret!.Data["accessToken"]);
            using var http = f.NewHttpClient();
            var caller = await f.IntrospectorTokenAsync($"gateway-{ns}", ns);
            var answer = await IntrospectAsync(http, IntrospectionEndpoint, token, caller);
            Assert.True(answer.IsActive, $"{tokenType}: {answer.Raw}");
            if (tokenType == TokenTypes.Jwt)
            {
                Assert.Equal(key.Status.TokenId, answer.Json!.Value.GetProperty("jti").GetString());
            }
            else
            {
                // Sealed: status records the token's fingerprint; the jti is the sealed id, never the fingerprint.
                Assert.True(token.StartsWith(SealedTokenFormat.KeyBoundPrefix, StringComparison.Ordinal), "a key's sealed token is bound to it (ak2.)");
                Assert.Equal(AppKeys.Credentials.TokenFingerprint.Compute(token), key.Status.TokenId);
                Assert.Matches("^[0-9a-f]{32}$", answer.Json!.Value.GetProperty("jti").GetString());
            }

            Assert.Equal(key.Status.ConsumerKey, answer.Json!.Value.GetProperty("client_id").GetString());
            Assert.Equal("orders:read", answer.Json!.Value.GetProperty("scope").GetString());
            Assert.False((await IntrospectAsync(http, IntrospectionEndpoint, token + "x", caller)).IsActive);
        }
    }

    [Fact]
    public async Task Lifetime_defaults_to_the_Applications_tokenValidityPeriod_and_validity_period_only_shortens_it()
    {
        var (_, _, key, secret) = await f.CreateApplicationAsync("km-validity", s => s.TokenValidityPeriod = 600);
        var (_, _, foreverKey, foreverSecret) = await f.CreateApplicationAsync("km-forever", s => s.TokenValidityPeriod = -1);
        using var http = f.NewHttpClient();
        foreach (var (validity, expected) in new (string?, int?)[] { (null, 600), ("60", 60), ("100000", 600), ("-1", 600) })
        {
            var response = await TokenJsonAsync(http, key, secret, validity);
            Assert.Equal(expected, response.GetProperty("expires_in").GetInt32());
        }

        var forever = await TokenJsonAsync(http, foreverKey, foreverSecret, null);
        Assert.False(forever.TryGetProperty("expires_in", out _), forever.ToString());
        Assert.Equal(120, (await TokenJsonAsync(http, foreverKey, foreverSecret, "120")).GetProperty("expires_in").GetInt32());
    }

    [Fact]
    public async Task Failed_client_authentication_is_rate_limited_per_client_and_address()
    {
        var (_, _, key, secret) = await f.CreateApplicationAsync("km-limit");
        using var http = f.NewHttpClient("127.0.0.9");
        for (var i = 0; i < FailedAuthLimiter.Burst; i++)
        {
            var failed = await http.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest { Address = TokenEndpoint, ClientId = key, ClientSecret = "wrong" + i });
            Assert.Equal(HttpStatusCode.Unauthorized, failed.HttpStatusCode);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, TokenEndpoint) { Content = Form(("grant_type", "client_credentials")) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{key}:{secret}")));
        var throttled = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.NotNull(throttled.Headers.RetryAfter);
    }

    private async Task<JsonElement> TokenJsonAsync(HttpClient http, string key, string secret, string? validity)
    {
        var fields = new List<(string, string)> { ("grant_type", "client_credentials") };
        if (validity is not null)
        {
            fields.Add(("validity_period", validity));
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, TokenEndpoint) { Content = Form([.. fields]) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{key}:{secret}")));
        var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    internal static async Task<string> RequestAsync(HttpClient http, string baseUrl, string key, string secret, string? scope = null)
    {
        var response = await http.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = baseUrl + KeyManagerEndpoints.TokenPath,
            ClientId = key,
            ClientSecret = secret,
            Scope = scope,
        });
        Assert.False(response.IsError, response.Raw);
        return response.AccessToken!;
    }

    /// <summary>Null when the token endpoint issues a token, else the OAuth error code.</summary>
    private static async Task<string?> TryRequestAsync(HttpClient http, string baseUrl, string key, string secret)
    {
        var response = await http.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = baseUrl + KeyManagerEndpoints.TokenPath,
            ClientId = key,
            ClientSecret = secret,
        });
        // A 401 is an HTTP error to the client library; the OAuth error code is in the body (RFC 6749 §5.2).
        return !response.IsError ? null
            : response.Json is { ValueKind: JsonValueKind.Object } json && json.TryGetProperty("error", out var error) ? $"{(int)response.HttpStatusCode} {error.GetString()}"
            : response.HttpStatusCode.ToString();
    }

    internal static Task<TokenIntrospectionResponse> IntrospectAsync(HttpClient http, string endpoint, string token, string kubernetesToken)
    {
        var request = new TokenIntrospectionRequest { Address = endpoint, Token = token };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", kubernetesToken);
        return http.IntrospectTokenAsync(request);
    }

    internal static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => KeyValuePair.Create(f.Name, f.Value)));

    private void AssertNotLogged(params string[] values)
    {
        var lines = f.LogLines.ToList();
        foreach (var value in values)
        {
            Assert.False(lines.Any(l => l.Contains(value, StringComparison.Ordinal)), $"a secret value ({AppKeys.Credentials.TokenFingerprint.Compute(value)}) was logged");
        }
    }
}
