using AppKeys.Runtime.Client;
using AppKeys.Runtime.Finalizers;
using AppKeys.Runtime.Tests.TestSupport;
using k8s.Models;

namespace AppKeys.Runtime.Tests.Finalizers;

public sealed class FinalizerHelperTests : IAsyncLifetime
{
    private const string Finalizer = "appkeys.io/revoke-credentials";
    private LocalServer local = null!;
    private ResourceClient<V1ConfigMap> configMaps = null!;

    public async Task InitializeAsync()
    {
        local = await LocalServer.StartAsync();
        configMaps = new ResourceClient<V1ConfigMap>(local.Connect().Transport);
    }

    public async Task DisposeAsync() => await local.DisposeAsync();

    private Task<V1ConfigMap> CreateAsync(params string[] finalizers) => configMaps.CreateAsync(new V1ConfigMap
    {
        Metadata = new V1ObjectMeta { Name = "app", NamespaceProperty = "default", Finalizers = finalizers.Length == 0 ? null : [.. finalizers] },
    });

    private async Task<V1ConfigMap?> ReadAsync() => await configMaps.GetAsync("app", "default");

    [Fact]
    public async Task Add_and_remove_are_idempotent_and_keep_other_finalizers()
    {
        var cm = await CreateAsync("other.io/cleanup");
        Assert.False(FinalizerHelper.Has(cm, Finalizer));

        var added = await FinalizerHelper.AddAsync(configMaps, cm, Finalizer);
        Assert.True(FinalizerHelper.Has(added, Finalizer));
        Assert.Equal(["other.io/cleanup", Finalizer], (await ReadAsync())!.Metadata.Finalizers);

        // Adding again writes nothing: the same instance comes back and the server's resourceVersion stays.
        var again = await FinalizerHelper.AddAsync(configMaps, added, Finalizer);
        Assert.Same(added, again);
        Assert.Equal(added.Metadata.ResourceVersion, (await ReadAsync())!.Metadata.ResourceVersion);

        var removed = await FinalizerHelper.RemoveAsync(configMaps, again, Finalizer);
        Assert.False(FinalizerHelper.Has(removed, Finalizer));
        Assert.Equal(["other.io/cleanup"], (await ReadAsync())!.Metadata.Finalizers);
        var removedAgain = await FinalizerHelper.RemoveAsync(configMaps, removed, Finalizer);
        Assert.Same(removed, removedAgain);
        Assert.Equal(removed.Metadata.ResourceVersion, (await ReadAsync())!.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task A_write_from_a_stale_copy_conflicts_instead_of_dropping_another_writers_finalizer()
    {
        var stale = await CreateAsync();

        // Someone else adds their finalizer after our read.
        var current = await ReadAsync();
        current!.Metadata.Finalizers = ["other.io/cleanup"];
        await configMaps.ReplaceAsync(current);

        var e = await Assert.ThrowsAsync<KubernetesApiException>(() => FinalizerHelper.AddAsync(configMaps, stale, Finalizer));
        Assert.True(e.IsConflict);
        Assert.Equal(["other.io/cleanup"], (await ReadAsync())!.Metadata.Finalizers);

        // The reconcile's retry re-reads and succeeds.
        var fresh = await FinalizerHelper.AddAsync(configMaps, (await ReadAsync())!, Finalizer);
        Assert.Equal(["other.io/cleanup", Finalizer], fresh.Metadata.Finalizers);

        // Removing from a stale copy conflicts too, so the other finalizer is never lost.
        var staleForRemove = fresh;
        var changed = await ReadAsync();
        changed!.Metadata.Labels = new Dictionary<string, string> { ["touched"] = "yes" };
        await configMaps.ReplaceAsync(changed);
        var removeConflict = await Assert.ThrowsAsync<KubernetesApiException>(() => FinalizerHelper.RemoveAsync(configMaps, staleForRemove, Finalizer));
        Assert.True(removeConflict.IsConflict);
        Assert.Equal(["other.io/cleanup", Finalizer], (await ReadAsync())!.Metadata.Finalizers);
    }

    [Fact]
    public async Task An_object_being_deleted_waits_for_its_finalizer_and_goes_once_it_is_removed()
    {
        var cm = await FinalizerHelper.AddAsync(configMaps, await CreateAsync(), Finalizer);
        Assert.False(FinalizerHelper.IsDeleting(cm));
        await configMaps.DeleteAsync("app", "default");

        var deleting = await ReadAsync();
        Assert.NotNull(deleting);
        Assert.True(FinalizerHelper.IsDeleting(deleting));
        Assert.True(FinalizerHelper.Has(deleting, Finalizer));

        // No new finalizer may be added to an object being deleted (the API server forbids it).
        var forbidden = await Assert.ThrowsAsync<KubernetesApiException>(() => FinalizerHelper.AddAsync(configMaps, deleting, "late.io/too-late"));
        Assert.Equal(422, (int)forbidden.StatusCode);

        // Cleanup done: removing the last finalizer lets the deletion complete.
        await FinalizerHelper.RemoveAsync(configMaps, deleting, Finalizer);
        Assert.Null(await ReadAsync());
    }
}
