using System.Buffers.Text;
using System.Text.Json;
using AppKeys.Operator.Apis;
using AppKeys.Operator.Signing;
using AppKeys.Runtime.Client;
using k8s;
using k8s.Models;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AppKeys.Operator.Tests.Integration;

[Collection(OperatorCollection.Name)]
public sealed class ApplicationKeyIssuanceTests(OperatorFixture f)
{
    private static JsonElement Payload(string jwt) =>
        JsonDocument.Parse(Base64Url.DecodeFromChars(jwt.Split('.')[1])).RootElement.Clone();

    private static async Task<TokenValidationResult> ValidateAsync(string jwt, string jwks) =>
        await new JsonWebTokenHandler().ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            IssuerSigningKeys = new JsonWebKeySet(jwks).GetSigningKeys(),
            ValidIssuer = "https://issuer.test",
            ValidAudience = "https://api.test",
            ValidateLifetime = true,
            RequireExpirationTime = false,
        });

    [Fact]
    public async Task Jwt_key_is_issued_into_its_secret_and_verifies_with_the_published_jwks()
    {
        var ns = await f.CreateNamespaceAsync("jwt");
        await f.CreateApplicationAsync(ns, "shop", s =>
        {
            s.KeyTypes = [KeyTypes.Production, KeyTypes.Sandbox];
            s.AllowedScopes = ["orders:read", "orders:write"];
            s.Owner = "team-shop";
            s.ThrottlingPolicy = "10PerMin";
        });
        await f.CreateKeyAsync(ns, "shop-prod", "shop", s =>
        {
            s.Scopes = ["orders:write", "orders:read"];
            s.SecretTemplate = new V1Alpha1SecretTemplate { Labels = new Dictionary<string, string> { ["team"] = "shop" }, Annotations = new Dictionary<string, string> { ["note"] = "hi" } };
        });

        var key = await f.WaitKeyReadyAsync(ns, "shop-prod");
        var app = await f.WaitApplicationReadyAsync(ns, "shop");
        var data = await f.SecretDataAsync(ns, "shop-prod");
        var secret = (await f.Secrets.GetAsync("shop-prod", ns))!;

        // Secret contents, labels and ownership.
        Assert.Equal(["accessToken", "consumerKey", "consumerSecret", "expiresAt", "keyType", "scopes", "tokenType"], data.Keys.Order());
        var production = Assert.Single(app.Status.Keys!, k => k.KeyType == "Production");
        Assert.Equal(production.ConsumerKey, data["consumerKey"]);
        Assert.True(data["consumerKey"].Length >= 28);
        Assert.Equal("orders:read orders:write", data["scopes"]);
        Assert.Equal(("Production", "JWT"), (data["keyType"], data["tokenType"]));
        Assert.Equal("appkeys-operator", secret.Metadata.Labels["app.kubernetes.io/managed-by"]);
        Assert.Equal("shop", secret.Metadata.Labels["appkeys.io/application"]);
        Assert.Equal("shop-prod", secret.Metadata.Labels["appkeys.io/key"]);
        Assert.Equal("shop", secret.Metadata.Labels["team"]);
        Assert.Equal("hi", secret.Metadata.Annotations["note"]);
        var owner = Assert.Single(secret.Metadata.OwnerReferences);
        Assert.Equal((key.Metadata.Uid, true), (owner.Uid, owner.Controller));

        // The application's consumer secret is the one in the key's Secret.
        var appData = await f.SecretDataAsync(ns, "shop-credentials");
        Assert.Equal(appData["production.consumerSecret"], data["consumerSecret"]);
        Assert.NotEqual(appData["production.consumerKey"], appData["sandbox.consumerKey"]);

        // A standard validator accepts the token with the JWKS from the ConfigMap and from the HTTP endpoint.
        var configMap = await Eventually.GetAsync(() => f.ConfigMaps.GetAsync(JwksPublisher.ConfigMapName, OperatorFixture.OperatorNamespace), "JWKS ConfigMap");
        var result = await ValidateAsync(data["accessToken"], configMap.Data[JwksPublisher.JwksKey]);
        Assert.True(result.IsValid, $"JWT rejected: {result.Exception?.Message}");
        using var http = new HttpClient();
        var served = await http.GetStringAsync(new Uri(f.OperatorHttp, "/.well-known/jwks.json"));
        Assert.True((await ValidateAsync(data["accessToken"], served)).IsValid);
        Assert.Equal("ES256", new JsonWebToken(data["accessToken"]).Alg);

        // Claims.
        var claims = Payload(data["accessToken"]);
        Assert.Equal("https://issuer.test", claims.GetProperty("iss").GetString());
        foreach (var claim in new[] { "sub", "client_id", "azp" })
        {
            Assert.Equal(data["consumerKey"], claims.GetProperty(claim).GetString());
        }

        Assert.Equal("orders:read orders:write", claims.GetProperty("scope").GetString());
        Assert.Equal("PRODUCTION", claims.GetProperty("keytype").GetString());
        var application = claims.GetProperty("application");
        Assert.Equal("shop", application.GetProperty("name").GetString());
        Assert.Equal(ns, application.GetProperty("namespace").GetString());
        Assert.Equal(app.Status.ApplicationId, application.GetProperty("uuid").GetString());
        Assert.Equal("team-shop", application.GetProperty("owner").GetString());
        Assert.Equal("10PerMin", application.GetProperty("tier").GetString());
        Assert.Equal(key.Status.TokenId, claims.GetProperty("jti").GetString());
        Assert.Equal(key.Metadata.Uid, claims.GetProperty("appkey_uid").GetString());
        var iat = claims.GetProperty("iat").GetInt64();
        Assert.Equal(iat, claims.GetProperty("nbf").GetInt64());
        Assert.Equal(iat + 3600, claims.GetProperty("exp").GetInt64());

        // Status: public facts only.
        Assert.Equal(data["consumerKey"], key.Status.ConsumerKey);
        Assert.Equal(["orders:read", "orders:write"], key.Status.Scopes);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(iat + 3600).UtcDateTime, key.Status.ExpiresAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(iat + 2400).UtcDateTime, key.Status.RenewalTime);
        Assert.Equal(data["expiresAt"], Controllers.Rfc3339.ToString(DateTimeOffset.FromUnixTimeSeconds(iat + 3600)));
        Assert.Equal(1, key.Status.Revision);
        var statusJson = KubernetesJson.Serialize(key.Status) + KubernetesJson.Serialize(app.Status);
        Assert.DoesNotContain(data["consumerSecret"], statusJson, StringComparison.Ordinal);
        Assert.DoesNotContain(data["accessToken"], statusJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Negative_validity_issues_a_token_without_exp_that_is_never_renewed()
    {
        var ns = await f.CreateNamespaceAsync("forever");
        await f.CreateApplicationAsync(ns, "app");
        await f.CreateKeyAsync(ns, "forever", "app", s => s.ValidityPeriod = -1);

        var key = await f.WaitKeyReadyAsync(ns, "forever");
        var data = await f.SecretDataAsync(ns, "forever");
        var claims = Payload(data["accessToken"]);
        Assert.False(claims.TryGetProperty("exp", out _), "a never-expiring token must have no exp claim");
        Assert.Equal("", data["expiresAt"]);
        Assert.Null(key.Status.ExpiresAt);
        Assert.Null(key.Status.RenewalTime);
        var jwks = (await f.ConfigMaps.GetAsync(JwksPublisher.ConfigMapName, OperatorFixture.OperatorNamespace))!.Data[JwksPublisher.JwksKey];
        Assert.True((await ValidateAsync(data["accessToken"], jwks)).IsValid);
    }

    [Fact]
    public async Task Opaque_application_gets_an_opaque_token()
    {
        var ns = await f.CreateNamespaceAsync("opaque");
        await f.CreateApplicationAsync(ns, "legacy", s => s.TokenType = TokenTypes.Opaque);
        await f.CreateKeyAsync(ns, "legacy", "legacy");

        var key = await f.WaitKeyReadyAsync(ns, "legacy");
        var data = await f.SecretDataAsync(ns, "legacy");
        var token = data["accessToken"];
        // Sealed as the token endpoint's, bound to the key (ak2. + base64url of key id, nonce, AES-256-GCM claims with the
        // key's uid, and tag): not a JWT, unforgeable without the sealing key, and introspectable from its claims.
        Assert.True(token.StartsWith(AppKeys.Operator.KeyManager.SealedTokenFormat.KeyBoundPrefix, StringComparison.Ordinal), "sealed and bound to the key (ak2.)");
        Assert.Equal(1, token.Count(c => c == '.'));
        Assert.True(Base64Url.DecodeFromChars(token.AsSpan(AppKeys.Operator.KeyManager.SealedTokenFormat.KeyBoundPrefix.Length)).Length >= 4 + 12 + 16 + 36 + 1 + 36, "key id, nonce, tag and the sealed claims with the key uid");
        Assert.Equal("Opaque", data["tokenType"]);
        Assert.Equal("Opaque", key.Status.TokenType);
        Assert.Equal(Credentials.TokenFingerprint.Compute(token), key.Status.TokenId);
    }

    [Fact]
    public async Task Spec_change_deleted_secret_tampering_and_renew_annotation_each_issue_a_new_token()
    {
        var ns = await f.CreateNamespaceAsync("reissue");
        await f.CreateApplicationAsync(ns, "app");
        await f.CreateKeyAsync(ns, "k", "app");
        await f.WaitKeyReadyAsync(ns, "k", revision: 1);

        // Spec change (scopes).
        await f.Keys.PatchAsync("k", ns, new ResourcePatch("""{"spec":{"scopes":["extra"]}}""", ResourcePatchType.MergePatch));
        var changed = await f.WaitKeyReadyAsync(ns, "k", revision: 2);
        Assert.Equal(["extra"], changed.Status.Scopes);

        // Renew annotation.
        await f.Keys.PatchAnnotationAsync(ns, "k", AppKeysAnnotations.Renew, "now-1");
        await f.WaitKeyReadyAsync(ns, "k", revision: 3);

        // Tampered data.
        await f.Secrets.PatchAsync("k", ns, new ResourcePatch("""{"data":{"accessToken":"Zm9yZ2Vk"}}""", ResourcePatchType.MergePatch));
        await f.WaitKeyReadyAsync(ns, "k", revision: 4);
        Assert.NotEqual("forged", (await f.SecretDataAsync(ns, "k"))["accessToken"]);

        // Deleted Secret.
        await f.Secrets.DeleteAsync("k", ns);
        await f.WaitKeyReadyAsync(ns, "k", revision: 5);
        Assert.NotNull(await f.GetSecretAsync(ns, "k"));

        // renewBefore and secretTemplate changes re-time or relabel without a new token.
        await f.Keys.PatchAsync("k", ns, new ResourcePatch("""{"spec":{"renewBefore":600,"secretTemplate":{"labels":{"x":"y"}}}}""", ResourcePatchType.MergePatch));
        var relabelled = await Eventually.GetAsync(() => f.GetSecretAsync(ns, "k"), s => s?.Metadata.Labels?.ContainsKey("x") == true, "template label on the Secret");
        Assert.Equal("5", relabelled.Metadata.Annotations[AppKeysAnnotations.Revision]);
        var retimed = await f.WaitKeyReadyAsync(ns, "k", revision: 5);
        Assert.Equal(retimed.Status.ExpiresAt!.Value.AddSeconds(-600), retimed.Status.RenewalTime);
    }

    [Fact]
    public async Task A_foreign_secret_is_never_overwritten()
    {
        var ns = await f.CreateNamespaceAsync("foreign");
        var foreign = await f.Secrets.CreateAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "taken", NamespaceProperty = ns, Labels = new Dictionary<string, string> { ["owner"] = "someone-else" } },
            Data = new Dictionary<string, byte[]> { ["password"] = "hunter2"u8.ToArray() },
        });
        await f.CreateApplicationAsync(ns, "app");
        await f.CreateKeyAsync(ns, "k", "app", s => s.SecretName = "taken");

        await f.WaitKeyReasonAsync(ns, "k", ConditionReasons.SecretConflict);
        var after = (await f.Secrets.GetAsync("taken", ns))!;
        Assert.Equal(foreign.Metadata.ResourceVersion, after.Metadata.ResourceVersion);
        Assert.Equal(KubernetesJson.Serialize(foreign), KubernetesJson.Serialize(after));
    }

    [Fact]
    public async Task An_operator_restart_issues_nothing_new()
    {
        var ns = await f.CreateNamespaceAsync("restart");
        await f.CreateApplicationAsync(ns, "app", s => s.KeyTypes = [KeyTypes.Production, KeyTypes.Sandbox]);
        await f.CreateKeyAsync(ns, "a", "app");
        await f.CreateKeyAsync(ns, "b", "app", s => { s.KeyType = KeyTypes.Sandbox; s.ValidityPeriod = -1; });
        await f.WaitKeyReadyAsync(ns, "a", revision: 1);
        await f.WaitKeyReadyAsync(ns, "b", revision: 1);
        var before = new[] { await f.Secrets.GetAsync("a", ns), await f.Secrets.GetAsync("b", ns), await f.Secrets.GetAsync("app-credentials", ns) };

        await f.RestartOperatorAsync();

        // The new operator is working once a new key is Ready, and has looked at every key once its
        // reconcile counter reaches the number of keys in the cluster.
        await f.CreateKeyAsync(ns, "probe", "app");
        await f.WaitKeyReadyAsync(ns, "probe", revision: 1);
        var keyCount = (await f.Keys.ListAsync(null)).Items.Count;
        await Eventually.GetAsync(() => f.ReconcileCountAsync("applicationkey"), n => n >= keyCount, $"{keyCount} ApplicationKey reconciles after the restart");
        var after = new[] { await f.Secrets.GetAsync("a", ns), await f.Secrets.GetAsync("b", ns), await f.Secrets.GetAsync("app-credentials", ns) };
        for (var i = 0; i < before.Length; i++)
        {
            Assert.Equal(before[i]!.Metadata.ResourceVersion, after[i]!.Metadata.ResourceVersion);
        }

        Assert.Equal(1, (await f.Keys.GetAsync("a", ns))!.Status.Revision);
        Assert.Equal(1, (await f.Keys.GetAsync("b", ns))!.Status.Revision);
    }
}
