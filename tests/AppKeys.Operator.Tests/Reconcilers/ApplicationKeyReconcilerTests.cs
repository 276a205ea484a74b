using System.Text;
using AppKeys.Operator.Apis;
using AppKeys.Operator.Tests.TestSupport;
using k8s.Models;

namespace AppKeys.Operator.Tests.Reconcilers;

/// <summary>The exact API actions of one ApplicationKey reconcile, against in-memory clients on a fake clock.</summary>
public sealed class ApplicationKeyReconcilerTests : IDisposable
{
    private readonly ReconcilerWorld world = new();

    public void Dispose() => world.Dispose();

    private async Task<V1Alpha1ApplicationKey> ReadyKeyAsync(Action<V1Alpha1ApplicationKeySpec>? configure = null)
    {
        world.Applications.Seed(TestObjects.Application(s => { s.TokenType = TokenTypes.Opaque; s.KeyTypes = [KeyTypes.Production, KeyTypes.Sandbox]; }));
        await world.ReconcileApplicationAsync();
        world.Keys.Seed(TestObjects.Key(configure));
        await world.ReconcileKeyAsync();
        return world.Keys.Peek("shop-prod", ReconcilerWorld.Ns)!;
    }

    private V1Secret Secret(string name = "shop-prod") => world.Secrets.Peek(name, ReconcilerWorld.Ns)!;

    [Fact]
    public async Task A_new_key_creates_its_secret_then_writes_status_and_an_idle_reconcile_writes_nothing()
    {
        world.Applications.Seed(TestObjects.Application(s => s.TokenType = TokenTypes.Opaque));
        await world.ReconcileApplicationAsync();
        var key = world.Keys.Seed(TestObjects.Key());

        var (_, first) = await world.ReconcileKeyAsync();
        Assert.Equal(["get secrets/shop-prod", "create secrets/shop-prod", $"update applicationkeys/status/shop-prod rv={key.Metadata.ResourceVersion}"], first);

        var (result, idle) = await world.ReconcileKeyAsync();
        Assert.Empty(idle);
        Assert.NotNull(result.RequeueAfter);
        var status = world.Keys.Peek("shop-prod", ReconcilerWorld.Ns)!.Status;
        Assert.Equal(1, status.Revision);
        var written = Assert.Single(status.Secrets!);
        Assert.Equal((Secret().Metadata.Uid, Secret().Metadata.ResourceVersion), (written.Uid, written.ResourceVersion));
    }

    [Fact]
    public async Task A_jwt_key_records_the_tokens_jti_and_an_idle_reconcile_writes_nothing()
    {
        world.HoldPublishedSigningKey();
        world.Applications.Seed(TestObjects.Application());
        await world.ReconcileApplicationAsync();
        world.Keys.Seed(TestObjects.Key());
        await world.ReconcileKeyAsync();

        var status = world.Keys.Peek("shop-prod", ReconcilerWorld.Ns)!.Status;
        var token = Encoding.UTF8.GetString(Secret().Data["accessToken"]);
        Assert.Equal(Controllers.ApplicationKeys.TokenIdentity.Of(new Credentials.SecretValue(token), TokenTypes.Jwt), status.TokenId);
        Assert.Empty((await world.ReconcileKeyAsync()).Actions);
    }

    [Fact]
    public async Task Access_withdrawn_deletes_the_secret_with_preconditions_and_says_why()
    {
        await ReadyKeyAsync();
        var secret = Secret();
        var app = world.Applications.Peek("shop", ReconcilerWorld.Ns)!;
        app.Spec.KeyTypes = [KeyTypes.Sandbox];
        world.Applications.Seed(app);
        var rv = KeyVersion();

        var (_, actions) = await world.ReconcileKeyAsync();
        var key = world.Keys.Peek("shop-prod", ReconcilerWorld.Ns)!;
        Assert.Equal([$"delete secrets/shop-prod rv={secret.Metadata.ResourceVersion} uid={secret.Metadata.Uid}", $"update applicationkeys/status/shop-prod rv={rv}"], actions);
        Assert.Null(world.Secrets.Peek("shop-prod", ReconcilerWorld.Ns));
        Assert.Equal(ConditionReasons.KeyTypeNotEnabled, Ready(key).Reason);
        Assert.Null(key.Status.TokenId);
        Assert.Null(key.Status.Secrets);
        Assert.Contains(world.Events.Recorded, e => e.Reason == "Revoked");
    }

    [Fact]
    public async Task A_renamed_secret_is_created_and_the_old_one_deleted_with_preconditions()
    {
        var key = await ReadyKeyAsync();
        var old = Secret();
        key.Spec.SecretName = "renamed";
        world.Keys.Seed(key);
        var rv = KeyVersion();

        var (_, actions) = await world.ReconcileKeyAsync();
        Assert.Equal(
            ["list applicationkeys/shop-prod", "get secrets/renamed", "create secrets/renamed", $"delete secrets/shop-prod rv={old.Metadata.ResourceVersion} uid={old.Metadata.Uid}", $"update applicationkeys/status/shop-prod rv={rv}"],
            actions);
        Assert.Equal(old.Data["accessToken"], Secret("renamed").Data["accessToken"]);
        var status = world.Keys.Peek("shop-prod", ReconcilerWorld.Ns)!.Status;
        Assert.Equal(["renamed"], status.Secrets!.Select(s => s.Name));
        Assert.Equal(1, status.Revision); // the same token moved: nothing issued
    }

    [Fact]
    public async Task Tampered_annotations_are_rewritten_from_status_without_a_new_token()
    {
        await ReadyKeyAsync();
        var secret = Secret();
        var before = world.Keys.Peek("shop-prod", ReconcilerWorld.Ns)!.Status;
        secret.Metadata.Annotations[AppKeysAnnotations.TokenId] = "FAKE";
        secret.Metadata.Annotations[AppKeysAnnotations.Revision] = "999";
        var tampered = world.Secrets.Seed(secret);
        var rv = KeyVersion();

        var (_, actions) = await world.ReconcileKeyAsync();
        Assert.Equal(["get secrets/shop-prod", $"update secrets/shop-prod rv={tampered.Metadata.ResourceVersion}", $"update applicationkeys/status/shop-prod rv={rv}"], actions);
        var after = world.Keys.Peek("shop-prod", ReconcilerWorld.Ns)!.Status;
        Assert.Equal((before.TokenId, before.Revision), (after.TokenId, after.Revision));
        Assert.Equal(before.TokenId, Secret().Metadata.Annotations[AppKeysAnnotations.TokenId]);
        Assert.Equal("1", Secret().Metadata.Annotations[AppKeysAnnotations.Revision]);
        Assert.Contains(world.Events.Recorded, e => e.Reason == "SecretRepaired");
    }

    [Fact]
    public async Task A_replaced_token_is_reissued_but_not_sooner_than_the_rate_limit_allows()
    {
        await ReadyKeyAsync();
        var secret = Secret();
        secret.Data["accessToken"] = Encoding.UTF8.GetBytes("planted-by-someone");
        world.Secrets.Seed(secret);

        var (limited, first) = await world.ReconcileKeyAsync();
        Assert.DoesNotContain(first, a => a.StartsWith("update secrets", StringComparison.Ordinal) || a.StartsWith("create", StringComparison.Ordinal));
        Assert.Equal(ConditionReasons.IssuanceRateLimited, Ready(world.Keys.Peek("shop-prod", ReconcilerWorld.Ns)!).Reason);
        Assert.NotNull(limited.RequeueAfter);

        world.Clock.Advance(TimeSpan.FromSeconds(5));
        var (_, second) = await world.ReconcileKeyAsync();
        Assert.Contains(second, a => a.StartsWith("update secrets/shop-prod", StringComparison.Ordinal));
        var key = world.Keys.Peek("shop-prod", ReconcilerWorld.Ns)!;
        Assert.Equal((ConditionReasons.Issued, 2L), (Ready(key).Reason, key.Status.Revision));
        Assert.NotEqual("planted-by-someone", Encoding.UTF8.GetString(Secret().Data["accessToken"]));
    }

    [Fact]
    public async Task A_foreign_secret_is_never_written_and_the_conflict_is_reported_once()
    {
        world.Secrets.Seed(new V1Secret { Metadata = new V1ObjectMeta { Name = "shop-prod", NamespaceProperty = ReconcilerWorld.Ns }, Data = new Dictionary<string, byte[]> { ["x"] = [1] } });
        world.Applications.Seed(TestObjects.Application(s => s.TokenType = TokenTypes.Opaque));
        await world.ReconcileApplicationAsync();
        world.Keys.Seed(TestObjects.Key());
        var rv = KeyVersion();

        var (result, first) = await world.ReconcileKeyAsync();
        Assert.Equal(["get secrets/shop-prod", $"update applicationkeys/status/shop-prod rv={rv}"], first);
        Assert.InRange(result.RequeueAfter!.Value, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(31));
        var (_, recheck) = await world.ReconcileKeyAsync();
        Assert.Equal(["get secrets/shop-prod"], recheck);
        Assert.Single(world.Events.Recorded, e => e.Reason == ConditionReasons.SecretConflict);
    }

    [Fact]
    public async Task A_secret_whose_owner_reference_was_removed_is_taken_back()
    {
        await ReadyKeyAsync();
        var secret = Secret();
        secret.Metadata.OwnerReferences = null;
        var orphaned = world.Secrets.Seed(secret);
        var rv = KeyVersion();

        var (_, actions) = await world.ReconcileKeyAsync();
        Assert.Equal(["get secrets/shop-prod", $"update secrets/shop-prod rv={orphaned.Metadata.ResourceVersion}", $"update applicationkeys/status/shop-prod rv={rv}"], actions);
        Assert.Equal("shop-prod", Assert.Single(Secret().Metadata.OwnerReferences).Name);
    }

    [Fact]
    public async Task Revoke_makes_the_revocation_durable_before_the_new_token_is_written_and_writes_nothing_when_it_cannot()
    {
        var issued = await ReadyKeyAsync();
        var oldId = issued.Status.TokenId!;
        var secretRv = Secret().Metadata.ResourceVersion;
        var requested = AppKeys.Runtime.KubernetesObjects.Clone(issued);
        requested.SetAnnotation(AppKeysAnnotations.Revoke, "leaked");
        world.Keys.Seed(requested);
        world.Clock.Advance(TimeSpan.FromSeconds(5));
        var rv = KeyVersion();

        var (_, actions) = await world.ReconcileKeyAsync();
        Assert.Equal(["list applicationkeys/shop-prod", "create secrets/appkeys-revocations", $"update secrets/shop-prod rv={secretRv}", $"update applicationkeys/status/shop-prod rv={rv}"], actions);
        Assert.True(world.Revocations.IsRevoked(oldId));
        var key = world.Keys.Peek("shop-prod", ReconcilerWorld.Ns)!;
        Assert.Equal(2, key.Status.Revision);
        Assert.NotEqual(oldId, key.Status.TokenId);
        Assert.Contains(world.Events.Recorded, e => e.Reason == "TokenRevoked" && e.Message.Contains(oldId, StringComparison.Ordinal));

        // The same value again: nothing. A new value while the revocation list cannot take it: no Secret or status
        // write at all (the new token would otherwise be out while the old one is still active), a Warning, a retry.
        Assert.Empty((await world.ReconcileKeyAsync()).Actions);
        var full = new Dictionary<string, long>();
        for (var i = 0; i < 30_000; i++)
        {
            full[$"{i:x32}"] = -1;
        }

        var list = world.Secrets.Peek("appkeys-revocations", "appkeys-system")!;
        list.Data["revoked.json"] = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(full);
        world.Secrets.Seed(list);
        var again = world.Keys.Peek("shop-prod", ReconcilerWorld.Ns)!;
        again.SetAnnotation(AppKeysAnnotations.Revoke, "leaked-again");
        world.Keys.Seed(again);
        world.Clock.Advance(TimeSpan.FromSeconds(5));
        var (result, refused) = await world.ReconcileKeyAsync();
        Assert.True(result.Backoff, string.Join(", ", refused) + " / " + string.Join(", ", world.Events.Recorded.Select(e => e.Reason)));
        Assert.DoesNotContain(refused, a => a.StartsWith("update", StringComparison.Ordinal) && !a.Contains("appkeys-revocations", StringComparison.Ordinal));
        Assert.Equal(key.Status.TokenId, world.Keys.Peek("shop-prod", ReconcilerWorld.Ns)!.Status.TokenId);
        Assert.Contains(world.Events.Recorded, e => e.Reason == "RevocationFailed");
    }

    private static V1Condition Ready(V1Alpha1ApplicationKey key) => Assert.Single(key.Status.Conditions!, c => c.Type == "Ready");

    private string KeyVersion() => world.Keys.Peek("shop-prod", ReconcilerWorld.Ns)!.Metadata.ResourceVersion;
}
