using System.Text;
using AppKeys.Operator.Apis;
using AppKeys.Operator.Controllers;
using AppKeys.Operator.Tests.TestSupport;
using k8s.Models;

namespace AppKeys.Operator.Tests.Reconcilers;

/// <summary>The exact API actions of one Application reconcile, against in-memory clients on a fake clock.</summary>
public sealed class ApplicationReconcilerTests : IDisposable
{
    private readonly ReconcilerWorld world = new();

    public void Dispose() => world.Dispose();

    private V1Alpha1Application App(string name = "shop") => world.Applications.Peek(name, ReconcilerWorld.Ns)!;

    private V1Secret Secret(string name = "shop-credentials") => world.Secrets.Peek(name, ReconcilerWorld.Ns)!;

    private static string Data(V1Secret secret, string key) => Encoding.UTF8.GetString(secret.Data[key]);

    [Fact]
    public async Task A_new_application_creates_its_secret_then_records_its_identity_and_an_idle_reconcile_writes_nothing()
    {
        var app = world.Applications.Seed(TestObjects.Application());
        var (_, first) = await world.ReconcileApplicationAsync();
        Assert.Equal(["get secrets/shop-credentials", "create secrets/shop-credentials", $"update applications/status/shop rv={app.Metadata.ResourceVersion}"], first);

        var status = App().Status;
        var entry = Assert.Single(status.Keys!);
        Assert.Equal(Data(Secret(), "production.consumerKey"), entry.ConsumerKey);
        Assert.Equal(Hashes.Of(Data(Secret(), "production.consumerSecret")), entry.SecretHash);
        Assert.Equal(Data(Secret(), "applicationId"), status.ApplicationId);
        Assert.Empty((await world.ReconcileApplicationAsync()).Actions);
    }

    [Fact]
    public async Task A_consumer_key_written_into_the_secret_is_repaired_from_status()
    {
        world.Applications.Seed(TestObjects.Application());
        await world.ReconcileApplicationAsync();
        var recorded = App().Status.Keys![0].ConsumerKey;
        var secret = Secret();
        var consumerSecret = Data(secret, "production.consumerSecret");
        secret.Data["production.consumerKey"] = Encoding.UTF8.GetBytes("Stolen0123456789012345678901");
        secret.Data["applicationId"] = Encoding.UTF8.GetBytes(Guid.NewGuid().ToString());
        var tampered = world.Secrets.Seed(secret);
        var rv = App().Metadata.ResourceVersion;

        var (_, actions) = await world.ReconcileApplicationAsync();
        Assert.Equal(["get secrets/shop-credentials", $"update secrets/shop-credentials rv={tampered.Metadata.ResourceVersion}", $"update applications/status/shop rv={rv}"], actions);
        Assert.Equal(recorded, Data(Secret(), "production.consumerKey"));
        Assert.Equal(App().Status.ApplicationId, Data(Secret(), "applicationId"));
        Assert.Equal(consumerSecret, Data(Secret(), "production.consumerSecret"));
        Assert.Equal(recorded, App().Status.Keys![0].ConsumerKey);
        Assert.Contains(world.Events.Recorded, e => e.Type == "Warning" && e.Reason == "CredentialsTampered");
    }

    [Fact]
    public async Task A_hand_edited_consumer_secret_is_regenerated_with_a_warning()
    {
        world.Applications.Seed(TestObjects.Application());
        await world.ReconcileApplicationAsync();
        var secret = Secret();
        secret.Data["production.consumerSecret"] = Encoding.UTF8.GetBytes("chosen-by-someone-0123456789abcdefghijklmnop");
        world.Secrets.Seed(secret);

        await world.ReconcileApplicationAsync();
        Assert.NotEqual("chosen-by-someone-0123456789abcdefghijklmnop", Data(Secret(), "production.consumerSecret"));
        Assert.Equal(Hashes.Of(Data(Secret(), "production.consumerSecret")), App().Status.Keys![0].SecretHash);
        Assert.Contains(world.Events.Recorded, e => e.Type == "Warning" && e.Reason == "CredentialsTampered" && e.Message.Contains("regenerated", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_deleted_secret_is_restored_with_the_recorded_consumer_keys()
    {
        world.Applications.Seed(TestObjects.Application(s => s.KeyTypes = [KeyTypes.Production, KeyTypes.Sandbox]));
        await world.ReconcileApplicationAsync();
        var before = Secret();
        await world.Secrets.DeleteAsync("shop-credentials", ReconcilerWorld.Ns);
        var rv = App().Metadata.ResourceVersion;

        var (_, actions) = await world.ReconcileApplicationAsync();
        Assert.Equal(["get secrets/shop-credentials", "create secrets/shop-credentials", $"update applications/status/shop rv={rv}"], actions);
        foreach (var key in new[] { "applicationId", "production.consumerKey", "sandbox.consumerKey" })
        {
            Assert.Equal(Data(before, key), Data(Secret(), key));
        }

        Assert.NotEqual(Data(before, "production.consumerSecret"), Data(Secret(), "production.consumerSecret"));
        Assert.Contains(world.Events.Recorded, e => e.Type == "Warning" && e.Reason == "CredentialsRestored" && e.Message.Contains("could not be recovered", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_renamed_secret_moves_the_same_credentials_and_the_old_one_is_deleted_with_preconditions()
    {
        world.Applications.Seed(TestObjects.Application());
        await world.ReconcileApplicationAsync();
        var old = Secret();
        var app = App();
        app.Spec.SecretName = "moved";
        world.Applications.Seed(app);
        var rv = App().Metadata.ResourceVersion;

        var (_, actions) = await world.ReconcileApplicationAsync();
        // The Application changed after the operator's last status write: read once live (the cache may lag that write).
        Assert.Equal(["list applications/shop", "get secrets/moved", "create secrets/moved", $"delete secrets/shop-credentials rv={old.Metadata.ResourceVersion} uid={old.Metadata.Uid}", $"update applications/status/shop rv={rv}"], actions);
        Assert.True(Controllers.SecretDiff.SameData(old.Data, Secret("moved").Data));
        Assert.Null(world.Secrets.Peek("shop-credentials", ReconcilerWorld.Ns));
    }

    [Fact]
    public async Task A_consumer_key_another_application_records_is_never_accepted()
    {
        world.Applications.Seed(TestObjects.Application());
        await world.ReconcileApplicationAsync();
        var taken = App().Status.Keys![0].ConsumerKey!;

        // A second Application whose (new) Secret claims the first one's consumer key.
        var second = TestObjects.Application(name: "late");
        second.Metadata.Uid = "app-uid-2";
        world.Applications.Seed(second);
        world.Secrets.Seed(new V1Secret
        {
            Metadata = new V1ObjectMeta
            {
                Name = "late-credentials",
                NamespaceProperty = ReconcilerWorld.Ns,
                Labels = new Dictionary<string, string> { [AppKeysLabels.ManagedBy] = AppKeysApi.ManagerName },
                OwnerReferences = [Controllers.Ownership.ControllerReference(App("late"))],
            },
            Data = new Dictionary<string, byte[]> { ["production.consumerKey"] = Encoding.UTF8.GetBytes(taken) },
        });

        await world.ReconcileApplicationAsync("late");
        var late = App("late").Status.Keys![0].ConsumerKey;
        Assert.NotEqual(taken, late);
        Assert.Equal(late, Data(Secret("late-credentials"), "production.consumerKey"));
        Assert.Contains(world.Events.Recorded, e => e.Reason == "CredentialsTampered" && e.Message.Contains("recorded by another Application", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_foreign_secret_is_reported_once_and_never_written()
    {
        world.Secrets.Seed(new V1Secret { Metadata = new V1ObjectMeta { Name = "shop-credentials", NamespaceProperty = ReconcilerWorld.Ns } });
        world.Applications.Seed(TestObjects.Application());
        var (result, first) = await world.ReconcileApplicationAsync();
        Assert.Equal(2, first.Count);
        Assert.Equal("get secrets/shop-credentials", first[0]);
        Assert.StartsWith("update applications/status/shop", first[1], StringComparison.Ordinal);
        Assert.InRange(result.RequeueAfter!.Value, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(31));
        Assert.Equal(["get secrets/shop-credentials"], (await world.ReconcileApplicationAsync()).Actions);
        Assert.Single(world.Events.Recorded, e => e.Reason == "SecretConflict");
    }
}
