using AppKeys.Runtime.Informers;
using k8s.Models;

namespace AppKeys.Runtime.Tests.Informers;

public class ObjectStoreTests
{
    private static V1Secret Secret(string ns, string name, string rv = "1", string? owner = null, string? app = null) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = ns,
            ResourceVersion = rv,
            OwnerReferences = owner is null ? null : [new V1OwnerReference { Uid = owner, Name = "o", Kind = "Application", ApiVersion = "appkeys.io/v1alpha1" }],
            Labels = app is null ? null : new Dictionary<string, string> { ["app"] = app },
        },
    };

    private static ObjectStore<V1Secret> NewStore() => new([new("app", s => s.Metadata.Labels?.TryGetValue("app", out var v) == true ? [v] : [])]);

    [Fact]
    public void A_view_is_computed_once_per_version_shared_by_readers_and_gone_with_the_object()
    {
        var computed = 0;
        var store = new ObjectStore<V1Secret>(
            [new("app", s => s.Metadata.Labels?.TryGetValue("app", out var v) == true ? [v] : [])],
            [new("rv", s =>
            {
                Interlocked.Increment(ref computed);
                return s.Metadata.Name == "none" ? null : new[] { s.Metadata.ResourceVersion };
            })]);
        var key = new ObjectKey("a", "s1");
        store.Upsert(Secret("a", "s1", app: "x"));
        Assert.Equal(0, computed);  // nothing is derived until it is read

        var first = store.View<string[]>("rv", key);
        Assert.Equal(["1"], Assert.IsType<string[]>(first));
        Assert.Same(first, store.View<string[]>("rv", key));
        Assert.Same(first, Assert.Single(store.ViewsByIndex<string[]>("app", "x", "rv")));
        Assert.Equal(1, computed);

        store.Upsert(Secret("a", "s1", rv: "2", app: "x"));
        Assert.Equal(["2"], Assert.IsType<string[]>(store.View<string[]>("rv", key)));
        Assert.Equal(2, computed);

        store.Upsert(Secret("a", "none", app: "x"));
        Assert.Null(store.View<string[]>("rv", new ObjectKey("a", "none")));
        Assert.Single(store.ViewsByIndex<string[]>("app", "x", "rv"));  // null views are left out

        store.Remove(key);
        Assert.Null(store.View<string[]>("rv", key));
        Assert.Null(store.View<string[]>("rv", new ObjectKey("a", "missing")));
        Assert.Throws<ArgumentException>(() => store.View<string[]>("nope", key));
        Assert.Throws<ArgumentException>(() => store.ViewsByIndex<string[]>("app", "x", "nope"));
    }

    [Fact]
    public void Project_reads_every_cached_object_itself_without_a_copy()
    {
        var store = NewStore();
        store.Upsert(Secret("a", "s1"));
        store.Upsert(Secret("b", "s2"));
        store.Upsert(Secret("a", "s1", rv: "2"));

        var projected = store.Project(s => s.Metadata);
        Assert.Equal(["a/s1@2", "b/s2@1"], projected.Select(m => $"{m.NamespaceProperty}/{m.Name}@{m.ResourceVersion}").Order(StringComparer.Ordinal));
        Assert.All(projected, m => Assert.Contains(store.Shared(), s => ReferenceEquals(s.Metadata, m)));

        store.Remove(new ObjectKey("a", "s1"));
        Assert.Equal(["s2"], store.Project(s => s.Metadata.Name));
        Assert.Empty(new ObjectStore<V1Secret>().Project(s => s.Metadata.Name));
    }

    [Fact]
    public void Indexes_by_custom_indexer_and_updates_indexes_on_change()
    {
        var store = NewStore();
        store.Upsert(Secret("a", "s1", owner: "u1", app: "x"));
        store.Upsert(Secret("a", "s2", owner: "u2", app: "x"));
        store.Upsert(Secret("b", "s1", owner: "u1"));
        Assert.Equal(2, store.ByIndex("app", "x").Count);
        Assert.Equal([new ObjectKey("a", "s1"), new ObjectKey("a", "s2")], store.IndexKeys("app", "x").OrderBy(k => k.Name, StringComparer.Ordinal));

        store.Upsert(Secret("a", "s1", rv: "2", owner: "u2", app: "y"));
        Assert.Equal("2", Assert.Single(store.ByIndex("app", "y")).Metadata.ResourceVersion);
        Assert.Equal([new ObjectKey("a", "s2")], store.IndexKeys("app", "x"));

        store.Remove(new ObjectKey("a", "s2"));
        Assert.Empty(store.ByIndex("app", "x"));
        Assert.Equal(2, store.Count);
        Assert.Throws<ArgumentException>(() => store.ByIndex("nope", "x"));
        Assert.Throws<ArgumentException>(() => store.IndexKeys("nope", "x"));
    }

    [Fact]
    public void Reads_are_copies_so_a_caller_that_mutates_them_leaves_the_cache_unchanged()
    {
        var store = NewStore();
        store.Upsert(Secret("a", "s1", owner: "u1", app: "x"));
        var key = new ObjectKey("a", "s1");

        static void Vandalize(V1Secret s)
        {
            s.Metadata.ResourceVersion = "999";
            s.Metadata.Labels["app"] = "vandalized";
            s.Metadata.OwnerReferences[0].Uid = "stolen";
            s.Data = new Dictionary<string, byte[]> { ["k"] = [1] };
        }

        Vandalize(store.Get(key)!);
        Vandalize(store.List()[0]);
        Vandalize(store.ByIndex("app", "x")[0]);

        var cached = store.Get(key)!;
        Assert.NotSame(cached, store.Get(key));
        Assert.Equal("1", cached.Metadata.ResourceVersion);
        Assert.Equal("x", cached.Metadata.Labels["app"]);
        Assert.Equal("u1", cached.Metadata.OwnerReferences[0].Uid);
        Assert.Null(cached.Data);
        Assert.Equal([key], store.IndexKeys("app", "x"));
        Assert.Empty(store.IndexKeys("app", "vandalized"));
    }

    [Fact]
    public void Replace_reports_additions_changes_and_deletions_within_its_namespace_only()
    {
        var store = NewStore();
        store.Upsert(Secret("a", "kept"));
        store.Upsert(Secret("a", "changed"));
        store.Upsert(Secret("a", "gone"));
        store.Upsert(Secret("b", "other-namespace"));

        var events = store.Replace("a", [Secret("a", "kept"), Secret("a", "changed", rv: "2"), Secret("a", "new")]);

        Assert.Equal(
            ["Added new", "Deleted gone", "Modified changed"],
            events.Select(e => $"{e.Type} {e.Object.Metadata.Name}").Order(StringComparer.Ordinal));
        Assert.NotNull(store.Get(new ObjectKey("b", "other-namespace")));
        Assert.Equal(4, store.Count);
    }
}
