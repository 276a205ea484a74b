using AppKeys.Operator.Apis;
using AppKeys.Operator.Tests.Reconcilers;
using AppKeys.Operator.Tests.TestSupport;
using AppKeys.Runtime.Client;
using k8s.Models;

namespace AppKeys.Operator.Tests.Hostile;

/// <summary>
/// Issue 12's item 7, its DELETE half: a Secret the operator decided to delete but that was replaced in between (by
/// someone else's, under the same name) is never deleted — every DELETE carries the uid and resourceVersion it read.
/// Not part of <see cref="Testing.Hostile.HostileAttackSuite"/>, so not run against the native executable: the
/// replacement must land while the reconciler's cache still holds the old Secret, which only an in-process world can
/// arrange (<see cref="ReconcilerWorld"/> decides when its cache syncs), and the DELETE's preconditions are read from
/// the requests it recorded; a separate process's cache and requests give no such control.
/// </summary>
public sealed class DeletePreconditionTests : IDisposable
{
    private readonly ReconcilerWorld world = new();

    public void Dispose() => world.Dispose();

    [Fact]
    public async Task A_secret_replaced_between_the_read_and_the_delete_survives()
    {
        world.Applications.Seed(TestObjects.Application(s => s.TokenType = TokenTypes.Opaque));
        await world.ReconcileApplicationAsync();
        world.Keys.Seed(TestObjects.Key());
        await world.ReconcileKeyAsync();
        var key = world.Keys.Peek("shop-prod", ReconcilerWorld.Ns)!;
        key.Spec.SecretName = "renamed";
        world.Keys.Seed(key);
        world.Sync();

        // The cache still has the operator's Secret; on the server it was deleted and a stranger's took its name.
        await world.Secrets.DeleteAsync("shop-prod", ReconcilerWorld.Ns);
        var stranger = world.Secrets.Seed(new V1Secret { Metadata = new V1ObjectMeta { Name = "shop-prod", NamespaceProperty = ReconcilerWorld.Ns }, Data = new Dictionary<string, byte[]> { ["mine"] = [1] } });

        var conflict = await Assert.ThrowsAsync<KubernetesApiException>(() => world.ReconcileKeyAsync(sync: false));
        Assert.True(conflict.IsConflict);
        var delete = Assert.Single(world.Actions, a => a.Verb == "delete");
        Assert.NotNull(delete.Uid);
        Assert.NotEqual(stranger.Metadata.Uid, delete.Uid);
        Assert.Equal(stranger.Metadata.Uid, world.Secrets.Peek("shop-prod", ReconcilerWorld.Ns)!.Metadata.Uid);

        // The retry reads again and leaves the stranger's Secret alone.
        await world.ReconcileKeyAsync();
        Assert.Equal(stranger.Metadata.Uid, world.Secrets.Peek("shop-prod", ReconcilerWorld.Ns)!.Metadata.Uid);
        Assert.NotNull(world.Secrets.Peek("renamed", ReconcilerWorld.Ns));
    }
}
