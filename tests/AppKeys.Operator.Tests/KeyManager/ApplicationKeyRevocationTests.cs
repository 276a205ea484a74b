using System.Text;
using System.Text.Json;
using AppKeys.Credentials;
using AppKeys.Operator.Apis;
using AppKeys.Operator.KeyManager;
using AppKeys.Operator.Tests.Integration;
using AppKeys.Runtime.Client;
using k8s.Models;

namespace AppKeys.Operator.Tests.KeyManager;

/// <summary>
/// The <c>appkeys.io/revoke</c> annotation and sealed ApplicationKey opaque tokens, through the real introspection
/// endpoint of both replicas (Duende.IdentityModel's client): a renewal leaves the previous token active until its own
/// expiry; a revocation makes the current token inactive everywhere (its id is on the revocation list) and issues a
/// new one, once per annotation value.
/// </summary>
[Collection(KeyManagerCollection.Name)]
public sealed class ApplicationKeyRevocationTests(KeyManagerFixture f)
{
    [Fact]
    public async Task Revoke_makes_the_current_token_inactive_on_every_replica_and_issues_a_new_one_renew_does_not_revoke()
    {
        // Both token types at once: each step waits for the 5 s user-action rate limit.
        await Task.WhenAll(RevokeScenarioAsync(TokenTypes.Jwt), RevokeScenarioAsync(TokenTypes.Opaque));
    }

    [Fact]
    public async Task Sealed_key_tokens_are_inactive_once_the_key_type_is_disabled_or_the_Application_deleted()
    {
        var (ns, _, _, _) = await f.CreateApplicationAsync("km-sealed", s => { s.TokenType = TokenTypes.Opaque; s.KeyTypes = [KeyTypes.Production, KeyTypes.Sandbox]; });
        await CreateKeyAsync(ns, "prod", KeyTypes.Production);
        await CreateKeyAsync(ns, "sandbox", KeyTypes.Sandbox);
        var (_, prod) = await CurrentTokenAsync(ns, "prod", 1);
        var (_, sandbox) = await CurrentTokenAsync(ns, "sandbox", 1);
        using var http = f.NewHttpClient();
        var caller = await f.IntrospectorTokenAsync($"gateway-{ns}", ns);
        foreach (var token in new[] { prod, sandbox })
        {
            Assert.True(token.StartsWith(SealedTokenFormat.KeyBoundPrefix, StringComparison.Ordinal), "a key's sealed token is bound to it (ak2.)");
            Assert.True((await IntrospectAsync(http, f.ReplicaBBase, token, caller)).IsActive);
        }

        await f.Applications.PatchAsync("shop", ns, new ResourcePatch("""{"spec":{"keyTypes":["Sandbox"]}}""", ResourcePatchType.MergePatch));
        await AssertInactiveEverywhereAsync(http, prod, caller, "a sealed token of a disabled key type");
        Assert.True((await IntrospectAsync(http, f.Issuer, sandbox, caller)).IsActive);

        await f.Applications.DeleteAsync("shop", ns);
        await AssertInactiveEverywhereAsync(http, sandbox, caller, "a sealed token of a deleted Application");
    }

    private async Task RevokeScenarioAsync(string tokenType)
    {
        var (ns, _, _, _) = await f.CreateApplicationAsync($"km-revoke-{tokenType.ToLowerInvariant()}", s => s.TokenType = tokenType);
        await CreateKeyAsync(ns, "shop-prod", KeyTypes.Production);
        var (first, firstToken) = await CurrentTokenAsync(ns, "shop-prod", 1);
        using var http = f.NewHttpClient();
        var caller = await f.IntrospectorTokenAsync($"gateway-{ns}", ns);
        if (tokenType == TokenTypes.Opaque)
        {
            // Sealed as the token endpoint's; status keeps the fingerprint, never the token or its sealed id.
            Assert.True(firstToken.StartsWith(SealedTokenFormat.KeyBoundPrefix, StringComparison.Ordinal), "a key's sealed token is bound to it (ak2.)");
            Assert.Equal(TokenFingerprint.Compute(firstToken), first.Status!.TokenId);
            var answer = await IntrospectAsync(http, f.ReplicaBBase, firstToken, caller);
            Assert.True(answer.IsActive, answer.Raw);
            Assert.Equal(first.Status.ConsumerKey, answer.Json!.Value.GetProperty("client_id").GetString());
            Assert.Equal("orders:read", answer.Json!.Value.GetProperty("scope").GetString());
            Assert.Equal(first.Status.ExpiresAt, DateTimeOffset.FromUnixTimeSeconds(answer.Json!.Value.GetProperty("exp").GetInt64()).UtcDateTime);
        }

        // A renewal does not revoke: the previous token stays active until its own expiry.
        await f.Keys.PatchAnnotationAsync(ns, "shop-prod", AppKeysAnnotations.Renew, "1");
        var (renewed, renewedToken) = await CurrentTokenAsync(ns, "shop-prod", 2);
        Assert.NotEqual(firstToken, renewedToken);
        foreach (var replica in new[] { f.Issuer, f.ReplicaBBase })
        {
            Assert.True((await IntrospectAsync(http, replica, firstToken, caller)).IsActive, $"{tokenType}: the renewed-away token is still active on {replica}");
            Assert.True((await IntrospectAsync(http, replica, renewedToken, caller)).IsActive, $"{tokenType}: the renewed token is active on {replica}");
        }

        // A revocation: the current token is inactive on both replicas, the new one active.
        await f.Keys.PatchAnnotationAsync(ns, "shop-prod", AppKeysAnnotations.Revoke, "leaked-1");
        var (revoked, newToken) = await CurrentTokenAsync(ns, "shop-prod", 3);
        await AssertInactiveEverywhereAsync(http, renewedToken, caller, $"{tokenType}: the revoked token");
        foreach (var replica in new[] { f.Issuer, f.ReplicaBBase })
        {
            Assert.True((await IntrospectAsync(http, replica, newToken, caller)).IsActive, $"{tokenType}: the token issued on revocation is active on {replica}");
            Assert.True((await IntrospectAsync(http, replica, firstToken, caller)).IsActive, $"{tokenType}: only the current token is revoked");
        }

        // Its id (a JWT's jti, an opaque token's fingerprint: status.tokenId) is on the revocation list.
        var list = await f.Secrets.GetAsync(RevocationStore.SecretName, KeyManagerFixture.OperatorNamespace);
        var ids = JsonDocument.Parse(list!.Data[RevocationList.DataKey]).RootElement.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains(renewed.Status!.TokenId!, ids);
        Assert.DoesNotContain(revoked.Status!.TokenId!, ids);
        if (tokenType == TokenTypes.Jwt)
        {
            Assert.Equal(renewed.Status.TokenId, JwtId(renewedToken));
        }

        Assert.NotNull(revoked.Status.ObservedRevokeRequest);
        var events = new ResourceClient<Corev1Event>(new KubernetesTransport(f.Client));
        await Eventually.GetAsync(
            async () => (await events.ListAsync(ns)).Items,
            items => items!.Any(e => e.Reason == "TokenRevoked" && e.Message.Contains(renewed.Status.TokenId!, StringComparison.Ordinal))
                && items!.Any(e => e.Reason == "Issued" && e.Message.Contains("Revoked:", StringComparison.Ordinal)),
            $"{tokenType}: the TokenRevoked and Issued (Revoked) Events");

        // The handled value is recorded: touching the key (any event) issues nothing more.
        await f.Keys.PatchAnnotationAsync(ns, "shop-prod", "example.com/touched", "1");
        await Task.Delay(TimeSpan.FromSeconds(6));
        var after = await f.Keys.GetAsync("shop-prod", ns);
        Assert.Equal(3, after!.Status!.Revision);
        Assert.Equal(revoked.Status.TokenId, after.Status.TokenId);
    }

    private async Task CreateKeyAsync(string ns, string name, string keyType) =>
        await f.Keys.CreateAsync(new V1Alpha1ApplicationKey
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
            Spec = new V1Alpha1ApplicationKeySpec { ApplicationRef = new V1Alpha1ApplicationReference { Name = "shop" }, KeyType = keyType, Scopes = keyType == KeyTypes.Production ? ["orders:read"] : [] },
        });

    /// <summary>The key once its status records <paramref name="revision"/> and its Secret holds that token.</summary>
    private async Task<(V1Alpha1ApplicationKey Key, string Token)> CurrentTokenAsync(string ns, string name, long revision)
    {
        var key = await Eventually.GetAsync(() => f.Keys.GetAsync(name, ns), k => k?.Status?.Revision == revision && k.Status.TokenId is { Length: > 0 }, $"ApplicationKey {ns}/{name} at revision {revision}", TimeSpan.FromSeconds(40));
        var secret = await f.Secrets.GetAsync(key.Status!.SecretName!, ns);
        return (key, Encoding.UTF8.GetString(secret!.Data["accessToken"]));
    }

    private async Task AssertInactiveEverywhereAsync(HttpClient http, string token, string caller, string what)
    {
        foreach (var replica in new[] { f.Issuer, f.ReplicaBBase })
        {
            await Eventually.GetAsync(async () => (await IntrospectAsync(http, replica, token, caller)).IsActive ? "active" : "inactive", s => s == "inactive", $"{what} is inactive on {replica}");
        }
    }

    private static Task<Duende.IdentityModel.Client.TokenIntrospectionResponse> IntrospectAsync(HttpClient http, string replicaBase, string token, string caller) =>
        KeyManagerEndpointTests.IntrospectAsync(http, replicaBase + KeyManagerEndpoints.IntrospectPath, token, caller);

    private static string? JwtId(string jwt) =>
        JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(jwt.Split('.')[1])).RootElement.GetProperty("jti").GetString();
}
