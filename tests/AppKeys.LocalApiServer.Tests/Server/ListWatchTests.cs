using k8s;
using k8s.Models;

namespace AppKeys.LocalApiServer.Tests.Server;

/// <summary>List, selectors, pagination and watch (apiserver pkg/storage/cacher, pkg/endpoints/handlers/watch.go).</summary>
public sealed class ListWatchTests(ApiServerFixture fx) : IClassFixture<ApiServerFixture>
{
    private async Task CreateConfigMapAsync(string ns, string name, string? app = null) =>
        await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new() { Name = name, Labels = app is null ? null : new Dictionary<string, string> { ["app"] = app } },
        }, ns);

    [Fact]
    public async Task Label_and_field_selectors_filter_lists()
    {
        var ns = await fx.NewNamespaceAsync();
        await CreateConfigMapAsync(ns, "a", "web");
        await CreateConfigMapAsync(ns, "b", "db");
        await CreateConfigMapAsync(ns, "c");
        Assert.Equal(["a"], (await fx.Client.CoreV1.ListNamespacedConfigMapAsync(ns, labelSelector: "app=web")).Items.Select(i => i.Metadata.Name));
        Assert.Equal(["a", "b"], (await fx.Client.CoreV1.ListNamespacedConfigMapAsync(ns, labelSelector: "app in (web,db)")).Items.Select(i => i.Metadata.Name));
        Assert.Equal(["c"], (await fx.Client.CoreV1.ListNamespacedConfigMapAsync(ns, labelSelector: "!app")).Items.Select(i => i.Metadata.Name));
        Assert.Equal(["b"], (await fx.Client.CoreV1.ListNamespacedConfigMapAsync(ns, fieldSelector: "metadata.name=b")).Items.Select(i => i.Metadata.Name));
        Assert.Equal(["a", "c"], (await fx.Client.CoreV1.ListNamespacedConfigMapAsync(ns, fieldSelector: "metadata.name!=b")).Items.Select(i => i.Metadata.Name));

        var (code, body, _) = await fx.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps?fieldSelector=data.x%3Dy");
        Assert.Equal(400, code);
        Assert.Equal("field label not supported: data.x", body!["message"]!.GetValue<string>());
        (code, _, _) = await fx.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps?labelSelector=a%20in%20(");
        Assert.Equal(400, code);
    }

    [Fact]
    public async Task Typed_list_items_carry_no_kind_but_the_list_does()
    {
        var ns = await fx.NewNamespaceAsync();
        await CreateConfigMapAsync(ns, "a");
        var (_, body, _) = await fx.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps");
        Assert.Equal("ConfigMapList", body!["kind"]!.GetValue<string>());
        Assert.Equal("v1", body["apiVersion"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(body["metadata"]!["resourceVersion"]!.GetValue<string>()));
        Assert.Null(body["items"]![0]!["kind"]);
    }

    [Fact]
    public async Task Pagination_keeps_the_resourceVersion_and_sees_a_consistent_snapshot()
    {
        var ns = await fx.NewNamespaceAsync();
        for (var i = 0; i < 5; i++)
        {
            await CreateConfigMapAsync(ns, $"p{i}");
        }
        var page1 = await fx.Client.CoreV1.ListNamespacedConfigMapAsync(ns, limit: 2);
        Assert.Equal(2, page1.Items.Count);
        Assert.False(string.IsNullOrEmpty(page1.Metadata.ContinueProperty));
        Assert.Equal(3, page1.Metadata.RemainingItemCount);

        await fx.Client.CoreV1.DeleteNamespacedConfigMapAsync("p3", ns); // not visible in the snapshot
        var page2 = await fx.Client.CoreV1.ListNamespacedConfigMapAsync(ns, limit: 2, continueParameter: page1.Metadata.ContinueProperty);
        Assert.Equal(page1.Metadata.ResourceVersion, page2.Metadata.ResourceVersion);
        Assert.Equal(["p2", "p3"], page2.Items.Select(i => i.Metadata.Name));
        var page3 = await fx.Client.CoreV1.ListNamespacedConfigMapAsync(ns, limit: 2, continueParameter: page2.Metadata.ContinueProperty);
        Assert.Equal(["p4"], page3.Items.Select(i => i.Metadata.Name));
        Assert.True(string.IsNullOrEmpty(page3.Metadata.ContinueProperty));

        var (code, body, _) = await fx.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps?limit=1&continue=garbage");
        Assert.Equal(400, code);
        Assert.StartsWith("continue key is not valid", body!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Expired_continue_token_is_410()
    {
        var ns = await fx.NewNamespaceAsync();
        await CreateConfigMapAsync(ns, "a");
        await CreateConfigMapAsync(ns, "b");
        var page1 = await fx.Client.CoreV1.ListNamespacedConfigMapAsync(ns, limit: 1);
        for (var i = 0; i < fx.Options.EventWindow + 5; i++)
        {
            await CreateConfigMapAsync(ns, $"churn{i}");
        }
        var (code, body, _) = await fx.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps?limit=1&continue={page1.Metadata.ContinueProperty}");
        Assert.Equal(410, code);
        Assert.Equal("Expired", body!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Watch_from_zero_sends_synthetic_ADDED_then_changes()
    {
        var ns = await fx.NewNamespaceAsync();
        await CreateConfigMapAsync(ns, "existing");
        await using var watch = await WatchStream.OpenAsync(fx.Http, $"/api/v1/namespaces/{ns}/configmaps?watch=true&resourceVersion=0");
        Assert.Equal(200, watch.StatusCode);
        Assert.Equal("application/json", watch.Response.Content.Headers.ContentType!.MediaType);
        var first = await watch.NextAsync();
        Assert.Equal("ADDED", first!["type"]!.GetValue<string>());
        Assert.Equal("existing", first["object"]!["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal("ConfigMap", first["object"]!["kind"]!.GetValue<string>());

        await CreateConfigMapAsync(ns, "new");
        var second = await watch.NextAsync();
        Assert.Equal("ADDED", second!["type"]!.GetValue<string>());
        Assert.Equal("new", second["object"]!["metadata"]!["name"]!.GetValue<string>());

        var deleted = await fx.SendAsync(HttpMethod.Delete, $"/api/v1/namespaces/{ns}/configmaps/new");
        Assert.Equal(200, deleted.Code);
        var third = await watch.NextAsync();
        Assert.Equal("DELETED", third!["type"]!.GetValue<string>());
        var deletionRv = long.Parse(third["object"]!["metadata"]!["resourceVersion"]!.GetValue<string>());
        Assert.True(deletionRv > long.Parse(second["object"]!["metadata"]!["resourceVersion"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Watch_from_a_list_resourceVersion_replays_only_later_changes()
    {
        var ns = await fx.NewNamespaceAsync();
        await CreateConfigMapAsync(ns, "before");
        var list = await fx.Client.CoreV1.ListNamespacedConfigMapAsync(ns);
        await CreateConfigMapAsync(ns, "after");
        await using var watch = await WatchStream.OpenAsync(fx.Http, $"/api/v1/namespaces/{ns}/configmaps?watch=1&resourceVersion={list.Metadata.ResourceVersion}");
        var e = await watch.NextAsync();
        Assert.Equal("ADDED", e!["type"]!.GetValue<string>());
        Assert.Equal("after", e["object"]!["metadata"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Watch_from_a_too_old_resourceVersion_is_an_in_stream_410()
    {
        var ns = await fx.NewNamespaceAsync();
        await CreateConfigMapAsync(ns, "a");
        var list = await fx.Client.CoreV1.ListNamespacedConfigMapAsync(ns);
        for (var i = 0; i < fx.Options.EventWindow + 5; i++)
        {
            await CreateConfigMapAsync(ns, $"churn{i}");
        }
        await using var watch = await WatchStream.OpenAsync(fx.Http, $"/api/v1/namespaces/{ns}/configmaps?watch=1&resourceVersion={list.Metadata.ResourceVersion}");
        Assert.Equal(200, watch.StatusCode);
        var e = await watch.NextAsync();
        Assert.Equal("ERROR", e!["type"]!.GetValue<string>());
        Assert.Equal("Status", e["object"]!["kind"]!.GetValue<string>());
        Assert.Equal(410, e["object"]!["code"]!.GetValue<int>());
        Assert.Equal("Expired", e["object"]!["reason"]!.GetValue<string>());
        Assert.StartsWith("too old resource version: ", e["object"]!["message"]!.GetValue<string>());
        Assert.Null(await watch.NextAsync());
    }

    [Fact]
    public async Task Watch_ends_after_timeoutSeconds()
    {
        var ns = await fx.NewNamespaceAsync();
        await using var watch = await WatchStream.OpenAsync(fx.Http, $"/api/v1/namespaces/{ns}/configmaps?watch=1&timeoutSeconds=1");
        Assert.Null(await watch.NextAsync());
    }

    [Fact]
    public async Task Bookmarks_carry_only_the_resourceVersion()
    {
        var ns = await fx.NewNamespaceAsync();
        await using var watch = await WatchStream.OpenAsync(fx.Http, $"/api/v1/namespaces/{ns}/configmaps?watch=1&allowWatchBookmarks=true&timeoutSeconds=10");
        var e = await watch.NextAsync();
        Assert.Equal("BOOKMARK", e!["type"]!.GetValue<string>());
        var obj = e["object"]!.AsObject();
        Assert.Equal("ConfigMap", obj["kind"]!.GetValue<string>());
        Assert.Equal("v1", obj["apiVersion"]!.GetValue<string>());
        Assert.Equal(["resourceVersion"], obj["metadata"]!.AsObject().Select(kv => kv.Key));
    }

    [Fact]
    public async Task SendInitialEvents_ends_with_an_annotated_bookmark()
    {
        var ns = await fx.NewNamespaceAsync();
        await CreateConfigMapAsync(ns, "one");
        await CreateConfigMapAsync(ns, "two");
        await using var watch = await WatchStream.OpenAsync(fx.Http,
            $"/api/v1/namespaces/{ns}/configmaps?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true");
        Assert.Equal("ADDED", (await watch.NextAsync())!["type"]!.GetValue<string>());
        Assert.Equal("ADDED", (await watch.NextAsync())!["type"]!.GetValue<string>());
        var bookmark = await watch.NextAsync();
        Assert.Equal("BOOKMARK", bookmark!["type"]!.GetValue<string>());
        Assert.Equal("true", bookmark["object"]!["metadata"]!["annotations"]!["k8s.io/initial-events-end"]!.GetValue<string>());

        var (code, body, _) = await fx.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps?watch=1&sendInitialEvents=true");
        Assert.Equal(422, code);
        Assert.Equal("Invalid", body!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Selector_transitions_become_ADDED_and_DELETED()
    {
        var ns = await fx.NewNamespaceAsync();
        await CreateConfigMapAsync(ns, "x", "web");
        await using var watch = await WatchStream.OpenAsync(fx.Http, $"/api/v1/namespaces/{ns}/configmaps?watch=1&labelSelector=app%3Dweb");
        Assert.Equal("ADDED", (await watch.NextAsync())!["type"]!.GetValue<string>());

        var cm = await fx.Client.CoreV1.ReadNamespacedConfigMapAsync("x", ns);
        cm.Metadata.Labels["app"] = "db";
        await fx.Client.CoreV1.ReplaceNamespacedConfigMapAsync(cm, "x", ns);
        var gone = await watch.NextAsync();
        Assert.Equal("DELETED", gone!["type"]!.GetValue<string>());
        Assert.Equal("db", gone["object"]!["metadata"]!["labels"]!["app"]!.GetValue<string>());

        cm = await fx.Client.CoreV1.ReadNamespacedConfigMapAsync("x", ns);
        cm.Metadata.Labels["app"] = "web";
        await fx.Client.CoreV1.ReplaceNamespacedConfigMapAsync(cm, "x", ns);
        Assert.Equal("ADDED", (await watch.NextAsync())!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task KubernetesClient_watch_receives_events()
    {
        var ns = await fx.NewNamespaceAsync();
        var seen = new List<(WatchEventType, string)>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var list = await fx.Client.CoreV1.ListNamespacedSecretAsync(ns);
        var task = Task.Run(async () =>
        {
#pragma warning disable CS0618 // the typed WatchAsync helpers are obsolete in 21.x but still what many callers use
            await foreach (var (type, item) in fx.Client.CoreV1.ListNamespacedSecretWithHttpMessagesAsync(ns, watch: true,
                resourceVersion: list.Metadata.ResourceVersion, cancellationToken: cts.Token).WatchAsync<V1Secret, V1SecretList>(cancellationToken: cts.Token))
#pragma warning restore CS0618
            {
                seen.Add((type, item.Metadata.Name));
                if (seen.Count == 2)
                {
                    return;
                }
            }
        });
        await Task.Delay(200);
        await fx.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new() { Name = "w" } }, ns);
        await fx.Client.CoreV1.DeleteNamespacedSecretAsync("w", ns);
        await task;
        Assert.Equal([(WatchEventType.Added, "w"), (WatchEventType.Deleted, "w")], seen);
    }

    [Fact]
    public async Task Concurrent_writers_and_watchers_see_every_event_in_order()
    {
        var ns = await fx.NewNamespaceAsync();
        const int writers = 4;
        const int perWriter = 25;
        var watches = new List<WatchStream>();
        for (var i = 0; i < 4; i++)
        {
            watches.Add(await WatchStream.OpenAsync(fx.Http, $"/api/v1/namespaces/{ns}/configmaps?watch=1&resourceVersion=0"));
        }
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < perWriter; i++)
            {
                var (code, _, _) = await fx.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", $$$"""{"metadata":{"name":"w{{{w}}}-{{{i}}}"}}""");
                Assert.Equal(201, code);
            }
        })));
        foreach (var watch in watches)
        {
            var last = 0L;
            for (var n = 0; n < writers * perWriter; n++)
            {
                var e = await watch.NextAsync();
                var rv = long.Parse(e!["object"]!["metadata"]!["resourceVersion"]!.GetValue<string>());
                Assert.True(rv > last, "events arrive in resourceVersion order");
                last = rv;
            }
            await watch.DisposeAsync();
        }
        Assert.Equal(writers * perWriter, (await fx.Client.CoreV1.ListNamespacedConfigMapAsync(ns)).Items.Count);
    }
}
