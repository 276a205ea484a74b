using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Tests.Server;

namespace AppKeys.LocalApiServer.Tests.Cli;

/// <summary>
/// <c>kubectl delete</c> in every cascade mode against owner references. kube's semantics: the registry turns
/// Foreground/Orphan into the <c>foregroundDeletion</c>/<c>orphan</c> finalizers (apiserver
/// <c>pkg/registry/generic/registry/store.go</c> updateForGracefulDeletionAndFinalizers) and the garbage collector
/// acts on them (<c>pkg/controller/garbagecollector/garbagecollector.go</c>: attemptToDeleteItem, orphanDependents).
/// </summary>
public sealed class KubectlDeleteTests(KubectlFixture fx) : IClassFixture<KubectlFixture>
{
    private const string Hold = "example.com/hold";

    /// <summary>An owner Widget and ConfigMaps that reference it by uid (blockOwnerDeletion), optionally held by a finalizer.</summary>
    private async Task<(string Ns, string Uid)> OwnerWithDependentsAsync(int count, bool held = false)
    {
        var ns = await fx.NewNamespaceAsync();
        await fx.OkStdinAsync(KubectlFixture.Widget(ns, "owner", 1), "apply", "-f", "-");
        var uid = await fx.OkAsync("get", "widget", "owner", "-n", ns, "-o", "jsonpath={.metadata.uid}");
        var manifests = Enumerable.Range(1, count).Select(i => $$"""
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: dep{{i}}
              namespace: {{ns}}
              {{(held ? $"finalizers: [{Hold}]" : "")}}
              ownerReferences:
              - {apiVersion: example.com/v1, kind: Widget, name: owner, uid: {{uid}}, controller: true, blockOwnerDeletion: true}
            data: {i: "{{i}}"}
            """);
        await fx.OkStdinAsync(string.Join("\n---\n", manifests), "create", "-f", "-");
        return (ns, uid);
    }

    private Task<JsonObject?> DependentAsync(string ns, int i) => fx.GetAsync($"/api/v1/namespaces/{ns}/configmaps/dep{i}");

    private Task<JsonObject?> OwnerAsync(string ns) => fx.GetAsync($"/apis/example.com/v1/namespaces/{ns}/widgets/owner");

    [Fact]
    public async Task Background_deletes_the_owner_then_garbage_collects_dependents()
    {
        var (ns, _) = await OwnerWithDependentsAsync(2);
        Assert.Equal("widget.example.com \"owner\" deleted\n", await fx.OkAsync("delete", "widget", "owner", "-n", ns, "--cascade=background"));
        // The owner is gone when kubectl returns (it waits for the deletion); dependents follow.
        Assert.Null(await OwnerAsync(ns));
        await ApiServerFixture.EventuallyAsync(async () => await DependentAsync(ns, 1) is null && await DependentAsync(ns, 2) is null,
            "dependents of a background-deleted owner to be garbage collected");
    }

    [Fact]
    public async Task Background_leaves_a_finalized_dependent_terminating()
    {
        var (ns, _) = await OwnerWithDependentsAsync(1, held: true);
        await fx.OkAsync("delete", "widget", "owner", "-n", ns);
        Assert.Null(await OwnerAsync(ns));
        await ApiServerFixture.EventuallyAsync(async () => (await DependentAsync(ns, 1))?["metadata"]?["deletionTimestamp"] is not null,
            "the held dependent to get a deletionTimestamp");
        await fx.OkAsync("patch", "configmap", "dep1", "-n", ns, "--type=json", "-p", """[{"op":"remove","path":"/metadata/finalizers"}]""");
        Assert.Null(await DependentAsync(ns, 1));
    }

    [Fact]
    public async Task Foreground_keeps_the_owner_until_blocking_dependents_are_gone()
    {
        var (ns, _) = await OwnerWithDependentsAsync(2, held: true);
        Assert.Equal("widget.example.com \"owner\" deleted\n",
            await fx.OkAsync("delete", "widget", "owner", "-n", ns, "--cascade=foreground", "--wait=false"));

        // The owner stays, terminating with the foregroundDeletion finalizer, while dependents are deleted.
        var owner = await OwnerAsync(ns);
        Assert.NotNull(owner);
        Assert.NotNull(owner["metadata"]!["deletionTimestamp"]);
        Assert.Contains("foregroundDeletion", owner["metadata"]!["finalizers"]!.AsArray().Select(f => f!.GetValue<string>()));
        await ApiServerFixture.EventuallyAsync(async () =>
                (await DependentAsync(ns, 1))?["metadata"]?["deletionTimestamp"] is not null
                && (await DependentAsync(ns, 2))?["metadata"]?["deletionTimestamp"] is not null,
            "both dependents to be terminating");

        await fx.OkAsync("patch", "configmap", "dep1", "-n", ns, "--type=merge", "-p", """{"metadata":{"finalizers":null}}""");
        Assert.NotNull(await OwnerAsync(ns));
        await fx.OkAsync("patch", "configmap", "dep2", "-n", ns, "--type=merge", "-p", """{"metadata":{"finalizers":null}}""");
        await ApiServerFixture.EventuallyAsync(async () => await OwnerAsync(ns) is null, "the owner to go once its last blocking dependent is gone");
    }

    [Fact]
    public async Task Foreground_with_wait_returns_after_dependents_and_owner_are_gone()
    {
        var (ns, _) = await OwnerWithDependentsAsync(2);
        await fx.OkAsync("delete", "widget", "owner", "-n", ns, "--cascade=foreground");
        Assert.Null(await OwnerAsync(ns));
        Assert.Null(await DependentAsync(ns, 1));
        Assert.Null(await DependentAsync(ns, 2));
    }

    [Fact]
    public async Task Orphan_keeps_dependents_and_removes_their_owner_references()
    {
        var (ns, uid) = await OwnerWithDependentsAsync(2);
        // A second owner that stays: only the deleted owner's reference is removed.
        await fx.OkStdinAsync(KubectlFixture.Widget(ns, "keeper", 1), "apply", "-f", "-");
        var keeperUid = await fx.OkAsync("get", "widget", "keeper", "-n", ns, "-o", "jsonpath={.metadata.uid}");
        await fx.OkAsync("patch", "configmap", "dep2", "-n", ns, "--type=json", "-p",
            "[{\"op\":\"add\",\"path\":\"/metadata/ownerReferences/-\",\"value\":{\"apiVersion\":\"example.com/v1\",\"kind\":\"Widget\",\"name\":\"keeper\",\"uid\":\"" + keeperUid + "\"}}]");

        Assert.Equal("widget.example.com \"owner\" deleted\n", await fx.OkAsync("delete", "widget", "owner", "-n", ns, "--cascade=orphan"));
        Assert.Null(await OwnerAsync(ns));
        var dep1 = await DependentAsync(ns, 1);
        Assert.NotNull(dep1);
        Assert.Null(dep1["metadata"]!["deletionTimestamp"]);
        Assert.False(dep1["metadata"]!.AsObject().ContainsKey("ownerReferences"));
        var refs = (await DependentAsync(ns, 2))!["metadata"]!["ownerReferences"]!.AsArray();
        Assert.Equal([keeperUid], refs.Select(r => r!["uid"]!.GetValue<string>()));
        Assert.DoesNotContain(uid, refs.Select(r => r!["uid"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Delete_by_selector_and_all()
    {
        var ns = await fx.NewNamespaceAsync();
        await fx.OkStdinAsync(
            KubectlFixture.Widget(ns, "a", 1, labels: "{doomed: \"true\"}") + "---\n" + KubectlFixture.Widget(ns, "b", 1) + "---\n" + KubectlFixture.Widget(ns, "c", 1),
            "apply", "-f", "-");
        Assert.Equal("widget.example.com \"a\" deleted\n", await fx.OkAsync("delete", "widgets", "-n", ns, "-l", "doomed=true"));
        Assert.Equal("widget.example.com \"b\" deleted\nwidget.example.com \"c\" deleted\n", await fx.OkAsync("delete", "widgets", "-n", ns, "--all"));
        var none = await fx.Kubectl.RunAsync("get", "widgets", "-n", ns);
        Assert.Equal($"No resources found in {ns} namespace.\n", none.StdErr);
        var missing = await fx.FailAsync("delete", "widget", "a", "-n", ns);
        Assert.Equal("Error from server (NotFound): widgets.example.com \"a\" not found\n", missing.StdErr);
        Assert.Equal("", (await fx.Kubectl.RunAsync("delete", "widget", "a", "-n", ns, "--ignore-not-found")).StdOut);
    }

    [Fact]
    public async Task Delete_namespace_removes_its_contents()
    {
        var ns = await fx.NewNamespaceAsync();
        await fx.OkStdinAsync(KubectlFixture.Widget(ns, "w", 1), "apply", "-f", "-");
        await fx.OkAsync("create", "configmap", "c", "-n", ns);
        Assert.Equal($"namespace \"{ns}\" deleted\n", await fx.OkAsync("delete", "namespace", ns));
        Assert.Null(await fx.GetAsync($"/api/v1/namespaces/{ns}"));
        Assert.Null(await fx.GetAsync($"/apis/example.com/v1/namespaces/{ns}/widgets/w"));
        Assert.Null(await fx.GetAsync($"/api/v1/namespaces/{ns}/configmaps/c"));
    }
}
