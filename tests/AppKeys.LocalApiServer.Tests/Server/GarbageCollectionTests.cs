using k8s;
using k8s.Models;

namespace AppKeys.LocalApiServer.Tests.Server;

/// <summary>Owner references by uid and the three propagation policies (kube pkg/controller/garbagecollector).</summary>
public sealed class GarbageCollectionTests(ApiServerFixture fx) : IClassFixture<ApiServerFixture>
{
    private async Task<(V1Secret Owner, V1ConfigMap Dependent)> OwnerAndDependentAsync(string ns, bool block = false)
    {
        var owner = await fx.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new() { Name = "owner" } }, ns);
        var dependent = await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new()
            {
                Name = "dep",
                OwnerReferences =
                [
                    new V1OwnerReference
                    {
                        ApiVersion = "v1", Kind = "Secret", Name = "owner", Uid = owner.Metadata.Uid, Controller = true,
                        BlockOwnerDeletion = block,
                    },
                ],
            },
        }, ns);
        return (owner, dependent);
    }

    private async Task<bool> GoneAsync(string path) => (await fx.SendAsync(HttpMethod.Get, path)).Code == 404;

    [Fact]
    public async Task Background_deletes_the_owner_then_its_dependents()
    {
        var ns = await fx.NewNamespaceAsync();
        await OwnerAndDependentAsync(ns);
        var (code, _, _) = await fx.SendAsync(HttpMethod.Delete, $"/api/v1/namespaces/{ns}/secrets/owner", """{"propagationPolicy":"Background"}""");
        Assert.Equal(200, code);
        await ApiServerFixture.EventuallyAsync(() => GoneAsync($"/api/v1/namespaces/{ns}/configmaps/dep"), "dependent collected");
    }

    [Fact]
    public async Task Orphan_removes_the_owner_reference()
    {
        var ns = await fx.NewNamespaceAsync();
        await OwnerAndDependentAsync(ns);
        await fx.SendAsync(HttpMethod.Delete, $"/api/v1/namespaces/{ns}/secrets/owner", """{"propagationPolicy":"Orphan"}""");
        await ApiServerFixture.EventuallyAsync(() => GoneAsync($"/api/v1/namespaces/{ns}/secrets/owner"), "owner deleted");
        var dep = await fx.Client.CoreV1.ReadNamespacedConfigMapAsync("dep", ns);
        Assert.True(dep.Metadata.OwnerReferences is null || dep.Metadata.OwnerReferences.Count == 0);
    }

    [Fact]
    public async Task Foreground_keeps_the_owner_until_blocking_dependents_are_gone()
    {
        var ns = await fx.NewNamespaceAsync();
        await OwnerAndDependentAsync(ns, block: true);
        var dep = await fx.Client.CoreV1.ReadNamespacedConfigMapAsync("dep", ns);
        dep.Metadata.Finalizers = ["x.io/slow"];
        await fx.Client.CoreV1.ReplaceNamespacedConfigMapAsync(dep, "dep", ns);

        var (code, body, _) = await fx.SendAsync(HttpMethod.Delete, $"/api/v1/namespaces/{ns}/secrets/owner", """{"propagationPolicy":"Foreground"}""");
        Assert.Equal(200, code);
        Assert.Contains("foregroundDeletion", body!["metadata"]!["finalizers"]!.AsArray().Select(f => f!.GetValue<string>()));
        await ApiServerFixture.EventuallyAsync(async () =>
            (await fx.Client.CoreV1.ReadNamespacedConfigMapAsync("dep", ns)).Metadata.DeletionTimestamp is not null, "dependent terminating");
        Assert.Equal(200, (await fx.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/secrets/owner")).Code);

        dep = await fx.Client.CoreV1.ReadNamespacedConfigMapAsync("dep", ns);
        dep.Metadata.Finalizers = [];
        await fx.Client.CoreV1.ReplaceNamespacedConfigMapAsync(dep, "dep", ns);
        await ApiServerFixture.EventuallyAsync(() => GoneAsync($"/api/v1/namespaces/{ns}/secrets/owner"), "owner deleted after dependents");
    }

    [Fact]
    public async Task Dependent_of_an_absent_or_cross_namespace_owner_is_collected()
    {
        var ns = await fx.NewNamespaceAsync();
        var other = await fx.NewNamespaceAsync();
        var foreign = await fx.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new() { Name = "foreign" } }, other);
        await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new()
            {
                Name = "cross",
                OwnerReferences = [new V1OwnerReference { ApiVersion = "v1", Kind = "Secret", Name = "foreign", Uid = foreign.Metadata.Uid }],
            },
        }, ns);
        await ApiServerFixture.EventuallyAsync(() => GoneAsync($"/api/v1/namespaces/{ns}/configmaps/cross"), "cross-namespace dependent collected");
    }

    [Fact]
    public async Task Dependent_whose_owner_reference_is_changed_to_an_absent_owner_is_collected()
    {
        // Sweeps run only after changes they could act on: an update of the references must still count.
        var ns = await fx.NewNamespaceAsync();
        var (owner, dependent) = await OwnerAndDependentAsync(ns);
        dependent.Metadata.OwnerReferences[0].Uid = Guid.NewGuid().ToString();
        await fx.Client.CoreV1.ReplaceNamespacedConfigMapAsync(dependent, "dep", ns);
        await ApiServerFixture.EventuallyAsync(() => GoneAsync($"/api/v1/namespaces/{ns}/configmaps/dep"), "dependent of a missing uid collected");
        Assert.Equal(200, (await fx.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/secrets/{owner.Metadata.Name}")).Code);
    }

    [Fact]
    public async Task Dependent_added_while_its_owner_is_held_by_a_finalizer_is_collected_with_it()
    {
        var ns = await fx.NewNamespaceAsync();
        var owner = await fx.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new() { Name = "held", Finalizers = ["x.io/hold"] } }, ns);
        await fx.SendAsync(HttpMethod.Delete, $"/api/v1/namespaces/{ns}/secrets/held", """{"propagationPolicy":"Background"}""");
        await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new()
            {
                Name = "late",
                OwnerReferences = [new V1OwnerReference { ApiVersion = "v1", Kind = "Secret", Name = "held", Uid = owner.Metadata.Uid }],
            },
        }, ns);
        var held = await fx.Client.CoreV1.ReadNamespacedSecretAsync("held", ns);
        held.Metadata.Finalizers = [];
        await fx.Client.CoreV1.ReplaceNamespacedSecretAsync(held, "held", ns);
        await ApiServerFixture.EventuallyAsync(() => GoneAsync($"/api/v1/namespaces/{ns}/configmaps/late"), "dependent collected after its owner went");
    }
}
