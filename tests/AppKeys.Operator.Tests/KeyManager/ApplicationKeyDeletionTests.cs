using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using AppKeys.Credentials;
using AppKeys.Operator.Apis;
using AppKeys.Operator.KeyManager;
using AppKeys.Operator.Tests.Integration;
using AppKeys.Runtime.Client;
using Duende.IdentityModel.Client;
using k8s.Models;

namespace AppKeys.Operator.Tests.KeyManager;

/// <summary>
/// Deleting an ApplicationKey withdraws every token it was issued, through the real introspection endpoint of both
/// replicas: its tokens carry the key's uid (JWT <c>appkey_uid</c>, sealed <c>ak2.</c>) and are active only while a key
/// with that uid is in the replica's cache. The current token and one renewed away before go inactive; a key recreated
/// under the same name (another uid) does not revive them, and a key held by a finalizer withdraws them (a
/// never-expiring one too) as soon as its deletion starts; token-endpoint tokens of the same client are unaffected, and
/// <c>/oauth2/revoke</c> still works on a key's token. Tokens are never put in assertion messages.
/// </summary>
[Collection(KeyManagerCollection.Name)]
public sealed class ApplicationKeyDeletionTests(KeyManagerFixture f)
{
    [Fact]
    public async Task Deleting_the_key_makes_its_current_and_renewed_away_tokens_inactive_on_every_replica_and_a_recreated_key_does_not_revive_them()
    {
        // Both token types at once: the renewal waits for the 5 s user-action rate limit.
        await Task.WhenAll(DeleteScenarioAsync(TokenTypes.Jwt), DeleteScenarioAsync(TokenTypes.Opaque));
    }

    [Fact]
    public async Task A_key_being_deleted_behind_a_finalizer_already_withdraws_its_never_expiring_token()
    {
        await Task.WhenAll(FinalizerScenarioAsync(TokenTypes.Jwt), FinalizerScenarioAsync(TokenTypes.Opaque));
    }

    private async Task FinalizerScenarioAsync(string tokenType)
    {
        var (ns, _, _, _) = await f.CreateApplicationAsync($"km-held-{tokenType.ToLowerInvariant()}", s => s.TokenType = tokenType);
        await CreateKeyAsync(ns, ["example.com/hold"], validityPeriod: -1);
        var (key, token) = await CurrentTokenAsync(ns, 1);
        Assert.Null(key.Status!.ExpiresAt); // never expires: without the binding it would stay active for good
        AssertBoundTo(key, token, tokenType);
        using var http = f.NewHttpClient();
        var caller = await f.IntrospectorTokenAsync($"gateway-{ns}", ns);
        await AssertEverywhereAsync(http, token, caller, active: true, $"{tokenType}: the held key's token");

        // The delete only sets deletionTimestamp (someone else's finalizer holds the key): the key is on its way out.
        await f.Keys.DeleteAsync(KeyName, ns);
        var terminating = await f.Keys.GetAsync(KeyName, ns);
        Assert.NotNull(terminating?.Metadata.DeletionTimestamp);
        await AssertEverywhereAsync(http, token, caller, active: false, $"{tokenType}: the token of a key being deleted");

        await f.Keys.PatchAsync(KeyName, ns, new ResourcePatch("""{"metadata":{"finalizers":null}}""", ResourcePatchType.MergePatch));
        await Eventually.GetAsync(async () => await f.Keys.GetAsync(KeyName, ns) is null ? "gone" : "present", s => s == "gone", $"{tokenType}: the held key is gone once released");
        await AssertEverywhereAsync(http, token, caller, active: false, $"{tokenType}: the token of the deleted key");
    }

    private async Task DeleteScenarioAsync(string tokenType)
    {
        var (ns, _, consumerKey, consumerSecret) = await f.CreateApplicationAsync($"km-delete-{tokenType.ToLowerInvariant()}", s => s.TokenType = tokenType);
        await CreateKeyAsync(ns);
        var (first, firstToken) = await CurrentTokenAsync(ns, 1);
        using var http = f.NewHttpClient();
        var caller = await f.IntrospectorTokenAsync($"gateway-{ns}", ns);
        AssertBoundTo(first, firstToken, tokenType);

        // A token-endpoint token of the same client is bound to no key.
        var endpointToken = await KeyManagerEndpointTests.RequestAsync(http, f.Issuer, consumerKey, consumerSecret, "orders:read");
        if (tokenType == TokenTypes.Jwt)
        {
            Assert.False(Payload(endpointToken).TryGetProperty(JwtTokenIssuer.ApplicationKeyUidClaim, out _), "a token-endpoint JWT has no appkey_uid");
        }
        else
        {
            Assert.True(endpointToken.StartsWith(SealedTokenFormat.Prefix, StringComparison.Ordinal), "a token-endpoint opaque token is sealed as ak1.");
        }

        // A renewal does not revoke: both tokens are active until the key goes.
        await f.Keys.PatchAnnotationAsync(ns, KeyName, AppKeysAnnotations.Renew, "1");
        var (renewed, renewedToken) = await CurrentTokenAsync(ns, 2);
        AssertBoundTo(renewed, renewedToken, tokenType);
        Assert.True(firstToken != renewedToken, $"{tokenType}: the renewal issued a new token");
        foreach (var token in new[] { firstToken, renewedToken, endpointToken })
        {
            await AssertEverywhereAsync(http, token, caller, active: true, $"{tokenType}: a token before the deletion");
        }

        await f.Keys.DeleteAsync(KeyName, ns);
        await AssertEverywhereAsync(http, renewedToken, caller, active: false, $"{tokenType}: the deleted key's current token");
        await AssertEverywhereAsync(http, firstToken, caller, active: false, $"{tokenType}: the deleted key's token renewed away before");
        await AssertEverywhereAsync(http, endpointToken, caller, active: true, $"{tokenType}: the client's token-endpoint token");

        // The same name again (once the old key's Secret is collected): a new uid, a new token; the old ones stay inactive.
        await Eventually.GetAsync(async () => await f.Secrets.GetAsync(first.Status!.SecretName!, ns) is null ? "gone" : "present", s => s == "gone", $"{tokenType}: the deleted key's Secret is collected");
        await CreateKeyAsync(ns);
        var (recreated, recreatedToken) = await CurrentTokenAsync(ns, 1);
        Assert.NotEqual(first.Metadata.Uid, recreated.Metadata.Uid);
        AssertBoundTo(recreated, recreatedToken, tokenType);
        await AssertEverywhereAsync(http, recreatedToken, caller, active: true, $"{tokenType}: the recreated key's token");
        foreach (var replica in new[] { f.Issuer, f.ReplicaBBase })
        {
            Assert.False((await IntrospectAsync(http, replica, firstToken, caller)).IsActive, $"{tokenType}: the first token stays inactive on {replica} after the key is recreated");
            Assert.False((await IntrospectAsync(http, replica, renewedToken, caller)).IsActive, $"{tokenType}: the renewed token stays inactive on {replica} after the key is recreated");
        }

        // /oauth2/revoke still works on a key-bound token (its client revokes it).
        var revoked = await http.RevokeTokenAsync(new TokenRevocationRequest { Address = f.Issuer + KeyManagerEndpoints.RevokePath, ClientId = consumerKey, ClientSecret = consumerSecret, Token = recreatedToken });
        Assert.False(revoked.IsError, revoked.Raw);
        await AssertEverywhereAsync(http, recreatedToken, caller, active: false, $"{tokenType}: the recreated key's token revoked at /oauth2/revoke");

        var logged = f.LogLines.ToList();
        foreach (var token in new[] { firstToken, renewedToken, recreatedToken, endpointToken, consumerSecret })
        {
            Assert.False(logged.Any(l => l.Contains(token, StringComparison.Ordinal)), $"{tokenType}: a token or secret reached the log");
        }
    }

    private const string KeyName = "shop-prod";

    private async Task CreateKeyAsync(string ns, IList<string>? finalizers = null, long? validityPeriod = null) =>
        await f.Keys.CreateAsync(new V1Alpha1ApplicationKey
        {
            Metadata = new V1ObjectMeta { Name = KeyName, NamespaceProperty = ns, Finalizers = finalizers },
            Spec = new V1Alpha1ApplicationKeySpec { ApplicationRef = new V1Alpha1ApplicationReference { Name = "shop" }, KeyType = KeyTypes.Production, Scopes = ["orders:read"], ValidityPeriod = validityPeriod },
        });

    /// <summary>The key once its status records <paramref name="revision"/> and its Secret holds that token.</summary>
    private async Task<(V1Alpha1ApplicationKey Key, string Token)> CurrentTokenAsync(string ns, long revision)
    {
        var key = await Eventually.GetAsync(() => f.Keys.GetAsync(KeyName, ns), k => k?.Status?.Revision == revision && k.Status.TokenId is { Length: > 0 }, $"ApplicationKey {ns}/{KeyName} at revision {revision}", TimeSpan.FromSeconds(40));
        var secret = await f.Secrets.GetAsync(key.Status!.SecretName!, ns);
        return (key, Encoding.UTF8.GetString(secret!.Data["accessToken"]));
    }

    /// <summary>The token carries the key's uid: a JWT's <c>appkey_uid</c>, or it is sealed as <c>ak2.</c>.</summary>
    private static void AssertBoundTo(V1Alpha1ApplicationKey key, string token, string tokenType)
    {
        if (tokenType == TokenTypes.Jwt)
        {
            Assert.Equal(key.Metadata.Uid, Payload(token).GetProperty(JwtTokenIssuer.ApplicationKeyUidClaim).GetString());
        }
        else
        {
            Assert.True(token.StartsWith(SealedTokenFormat.KeyBoundPrefix, StringComparison.Ordinal), "an ApplicationKey's opaque token is sealed as ak2.");
        }
    }

    private async Task AssertEverywhereAsync(HttpClient http, string token, string caller, bool active, string what)
    {
        var expected = active ? "active" : "inactive";
        foreach (var replica in new[] { f.Issuer, f.ReplicaBBase })
        {
            await Eventually.GetAsync(async () => (await IntrospectAsync(http, replica, token, caller)).IsActive ? "active" : "inactive", s => s == expected, $"{what} is {expected} on {replica}");
        }
    }

    private static Task<TokenIntrospectionResponse> IntrospectAsync(HttpClient http, string replicaBase, string token, string caller) =>
        KeyManagerEndpointTests.IntrospectAsync(http, replicaBase + KeyManagerEndpoints.IntrospectPath, token, caller);

    private static JsonElement Payload(string jwt) =>
        JsonDocument.Parse(Base64Url.DecodeFromChars(jwt.Split('.')[1])).RootElement.Clone();
}
