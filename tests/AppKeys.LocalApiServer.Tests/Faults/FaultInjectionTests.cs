using System.Net;
using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Faults;
using AppKeys.LocalApiServer.Tests.Server;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace AppKeys.LocalApiServer.Tests.Faults;

/// <summary>Each injected fault as KubernetesClient sees it, shaped as kube-apiserver produces it.</summary>
public sealed class FaultInjectionTests(ApiServerFixture fx) : IClassFixture<ApiServerFixture>, IDisposable
{
    private FaultInjector Faults => fx.Server.Faults;

    public void Dispose()
    {
        Faults.Clear();
        Faults.ResetCounts();
    }

    private static JsonNode Body(HttpOperationException ex) => JsonNode.Parse(ex.Response.Content)!;

    private async Task<(string Ns, V1ConfigMap Map)> ConfigMapAsync(string name = "c")
    {
        var ns = await fx.NewNamespaceAsync();
        var map = await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = name } }, ns);
        return (ns, map);
    }

    [Fact]
    public async Task TooManyRequests_is_plain_text_with_Retry_After_and_honours_the_filter()
    {
        var (ns, _) = await ConfigMapAsync();
        using var rule = Faults.Add(new FaultRule { Kind = FaultKind.TooManyRequests, Verbs = ["list"], Resources = ["configmaps"], RetryAfterSeconds = 3 });

        var ex = await Assert.ThrowsAsync<HttpOperationException>(() => fx.Client.CoreV1.ListNamespacedConfigMapAsync(ns));
        Assert.Equal(HttpStatusCode.TooManyRequests, ex.Response.StatusCode);
        Assert.Equal("Too many requests, please try again later.\n", ex.Response.Content);

        var (code, _, response) = await fx.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps");
        Assert.Equal(429, code);
        Assert.Equal("3", response.Headers.RetryAfter!.ToString());
        Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType!.ToString());

        // Other verbs and resources pass.
        Assert.Equal("c", (await fx.Client.CoreV1.ReadNamespacedConfigMapAsync("c", ns)).Metadata.Name);
        Assert.Empty((await fx.Client.CoreV1.ListNamespacedSecretAsync(ns)).Items);
        Assert.Equal(2, Faults.Counts[FaultKind.TooManyRequests]);

        rule.Dispose();
        Assert.Single((await fx.Client.CoreV1.ListNamespacedConfigMapAsync(ns)).Items);
    }

    [Theory]
    [InlineData(FaultKind.InternalError, 500, "InternalError", "Internal error occurred: injected fault")]
    [InlineData(FaultKind.ServiceUnavailable, 503, "ServiceUnavailable", "the server is currently unable to handle the request")]
    public async Task Server_errors_are_Status_bodies(FaultKind kind, int code, string reason, string message)
    {
        var (ns, _) = await ConfigMapAsync();
        using var rule = Faults.Add(new FaultRule { Kind = kind, Resources = ["configmaps"], Namespace = ns });

        var ex = await Assert.ThrowsAsync<HttpOperationException>(() => fx.Client.CoreV1.ReadNamespacedConfigMapAsync("c", ns));
        Assert.Equal(code, (int)ex.Response.StatusCode);
        var body = Body(ex);
        Assert.Equal("Status", body["kind"]!.GetValue<string>());
        Assert.Equal(reason, body["reason"]!.GetValue<string>());
        Assert.Equal(message, body["message"]!.GetValue<string>());
        Assert.Equal(code, body["code"]!.GetValue<int>());
        Assert.Equal(1, Faults.Counts[kind]);
        Assert.Equal(1, Faults.Total);
    }

    [Fact]
    public async Task Conflict_hits_updates_only_with_kubes_message()
    {
        var (ns, map) = await ConfigMapAsync();
        using var rule = Faults.Add(new FaultRule { Kind = FaultKind.Conflict });

        map.Data = new Dictionary<string, string> { ["a"] = "1" };
        var ex = await Assert.ThrowsAsync<HttpOperationException>(() => fx.Client.CoreV1.ReplaceNamespacedConfigMapAsync(map, "c", ns));
        Assert.Equal(409, (int)ex.Response.StatusCode);
        Assert.Equal("Conflict", Body(ex)["reason"]!.GetValue<string>());
        Assert.Equal("Operation cannot be fulfilled on configmaps \"c\": the object has been modified; please apply your changes to the latest version and try again",
            Body(ex)["message"]!.GetValue<string>());

        // Patches (which kube retries internally) and reads are untouched.
        var patched = await fx.Client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch("""{"data":{"b":"2"}}""", V1Patch.PatchType.MergePatch), "c", ns);
        Assert.Equal("2", patched.Data["b"]);
        Assert.Equal(1, Faults.Counts[FaultKind.Conflict]);
    }

    [Fact]
    public async Task Latency_delays_but_serves()
    {
        var (ns, _) = await ConfigMapAsync();
        using var rule = Faults.Add(new FaultRule { Kind = FaultKind.Latency, Latency = TimeSpan.FromMilliseconds(50), Verbs = ["get"] });

        Assert.Equal("c", (await fx.Client.CoreV1.ReadNamespacedConfigMapAsync("c", ns)).Metadata.Name);
        Assert.Equal(1, Faults.Counts[FaultKind.Latency]);
    }

    [Fact]
    public async Task Probabilities_are_repeatable_with_a_seed_and_MaxCount_caps_a_rule()
    {
        var (ns, _) = await ConfigMapAsync();

        async Task<string> PatternAsync()
        {
            Faults.Reseed(42);
            using var rule = Faults.Add(new FaultRule { Kind = FaultKind.InternalError, Probability = 0.5, Verbs = ["get"], Namespace = ns });
            var pattern = new char[40];
            for (var i = 0; i < pattern.Length; i++)
            {
                var (code, _, _) = await fx.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps/c");
                pattern[i] = code == 500 ? 'x' : '.';
            }
            return new string(pattern);
        }

        var first = await PatternAsync();
        var second = await PatternAsync();
        Assert.Equal(first, second);
        Assert.Contains('x', first);
        Assert.Contains('.', first);
        Assert.Equal(first.Count(c => c == 'x') * 2, Faults.Counts[FaultKind.InternalError]);

        using var capped = Faults.Add(new FaultRule { Kind = FaultKind.ServiceUnavailable, MaxCount = 2, Namespace = ns });
        var codes = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            codes.Add((await fx.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps/c")).Code);
        }
        Assert.Equal([503, 503, 200, 200], codes);
    }

    [Fact]
    public async Task Expired_watch_window_gives_410_Expired_to_the_client_then_a_relist_watches_again()
    {
        var (ns, map) = await ConfigMapAsync();
        await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = "d" } }, ns);
        Faults.ExpireWatchWindow();

        var errors = new List<Exception>();
        var events = new List<WatchEventType>();
        await foreach (var (type, _) in fx.Client.CoreV1.WatchListNamespacedConfigMapAsync(ns, resourceVersion: map.Metadata.ResourceVersion,
            onError: errors.Add))
        {
            events.Add(type);
        }
        Assert.Empty(events);
        var status = Assert.IsType<KubernetesException>(Assert.Single(errors)).Status;
        Assert.Equal(410, status.Code);
        Assert.Equal("Expired", status.Reason);
        Assert.StartsWith($"too old resource version: {map.Metadata.ResourceVersion} (", status.Message, StringComparison.Ordinal);
        Assert.Equal(1, Faults.Counts[FaultKind.WatchExpired]);

        // Re-list and watch from the list's resourceVersion: served normally.
        var list = await fx.Client.CoreV1.ListNamespacedConfigMapAsync(ns);
        var stream = await WatchStream.OpenAsync(fx.Http, $"/api/v1/namespaces/{ns}/configmaps?watch=true&resourceVersion={list.Metadata.ResourceVersion}");
        await using (stream)
        {
            await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = "e" } }, ns);
            Assert.Equal("ADDED", (await stream.NextNonBookmarkAsync())!["type"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task WatchExpired_rule_hits_watches_that_resume_from_a_resourceVersion()
    {
        var (ns, map) = await ConfigMapAsync();
        using var rule = Faults.Add(new FaultRule { Kind = FaultKind.WatchExpired, Namespace = ns });

        var errors = new List<Exception>();
        await foreach (var _ in fx.Client.CoreV1.WatchListNamespacedConfigMapAsync(ns, resourceVersion: map.Metadata.ResourceVersion, onError: errors.Add))
        {
            Assert.Fail("no event expected");
        }
        Assert.Equal(410, Assert.IsType<KubernetesException>(Assert.Single(errors)).Status.Code);
    }

    [Fact]
    public async Task Watch_dropped_after_N_events_ends_quietly_for_the_client()
    {
        var ns = await fx.NewNamespaceAsync();
        foreach (var name in new[] { "a", "b", "c" })
        {
            await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = name } }, ns);
        }
        using var rule = Faults.Add(new FaultRule { Kind = FaultKind.WatchDrop, AfterEvents = 2, Namespace = ns });

        var names = new List<string>();
        var errors = new List<Exception>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await foreach (var (_, obj) in fx.Client.CoreV1.WatchListNamespacedConfigMapAsync(ns, resourceVersion: "0", onError: errors.Add, cancellationToken: cts.Token))
        {
            names.Add(obj.Metadata.Name);
        }
        Assert.Equal(["a", "b"], names);
        Assert.Empty(errors);
        Assert.Equal(1, Faults.Counts[FaultKind.WatchDrop]);
    }

    [Fact]
    public async Task Abrupt_watch_drop_surfaces_as_a_transport_error()
    {
        var ns = await fx.NewNamespaceAsync();
        await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = "a" } }, ns);
        using var rule = Faults.Add(new FaultRule { Kind = FaultKind.WatchDrop, AfterEvents = 1, Abrupt = true, Namespace = ns });

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var received = 0;
        var failure = await Record.ExceptionAsync(async () =>
        {
            await foreach (var _ in fx.Client.CoreV1.WatchListNamespacedConfigMapAsync(ns, resourceVersion: "0", cancellationToken: cts.Token))
            {
                received++;
            }
        });
        Assert.False(cts.IsCancellationRequested, "the watch should have been reset, not timed out");
        Assert.True(failure is IOException or HttpRequestException, $"expected a transport error, got {failure?.GetType().Name ?? "none"}");
        Assert.True(received <= 1);
        Assert.Equal(1, Faults.Counts[FaultKind.WatchDrop]);
    }

    [Fact]
    public async Task Early_watch_timeout_and_CloseWatches_end_streams_cleanly()
    {
        // One object, so each watch starts with a synthetic ADDED: KubernetesClient reports an empty watch body as
        // an error (EndOfStreamException), against kube-apiserver too.
        var (ns, _) = await ConfigMapAsync();
        using (Faults.Add(new FaultRule { Kind = FaultKind.WatchTimeout, WatchTimeout = TimeSpan.FromMilliseconds(200), Namespace = ns }))
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var events = 0;
            await foreach (var _ in fx.Client.CoreV1.WatchListNamespacedConfigMapAsync(ns, timeoutSeconds: 600, cancellationToken: cts.Token))
            {
                events++;
            }
            Assert.False(cts.IsCancellationRequested, "the server should have ended the watch");
            Assert.Equal(1, events);
            Assert.Equal(1, Faults.Counts[FaultKind.WatchTimeout]);
        }

        using var cts2 = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var received = 0;
        var watching = Task.Run(async () =>
        {
            await foreach (var _ in fx.Client.CoreV1.WatchListNamespacedConfigMapAsync(ns, timeoutSeconds: 600, cancellationToken: cts2.Token))
            {
                Interlocked.Increment(ref received);
            }
        });
        await ApiServerFixture.EventuallyAsync(() => Task.FromResult(Volatile.Read(ref received) == 1), "the watch to deliver its ADDED event");
        // Watches of earlier tests may still be winding down: at least ours is closed and counted.
        var closed = Faults.CloseWatches();
        Assert.True(closed >= 1);
        await watching;
        Assert.False(cts2.IsCancellationRequested);
        Assert.Equal(closed, Faults.Counts[FaultKind.WatchClosed]);
    }

    [Fact]
    public async Task Restart_drops_connections_refuses_new_ones_and_keeps_the_data()
    {
        var (ns, _) = await ConfigMapAsync("kept");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var watchFailure = Task.Run(() => Record.ExceptionAsync(async () =>
        {
            await foreach (var _ in fx.Client.CoreV1.WatchListNamespacedConfigMapAsync(ns, timeoutSeconds: 600, cancellationToken: cts.Token))
            {
            }
        }));
        await ApiServerFixture.EventuallyAsync(() => Task.FromResult(Faults.OpenWatches >= 1), "the watch to be open");

        var restart = Faults.RestartAsync(TimeSpan.FromSeconds(5));
        Assert.True(Faults.IsDown);
        using (var fresh = fx.CreateHttpClient(fx.Server.AdminToken))
        {
            var refused = await Record.ExceptionAsync(() => fresh.GetAsync($"/api/v1/namespaces/{ns}/configmaps/kept"));
            Assert.True(refused is HttpRequestException or IOException or System.Net.Sockets.SocketException,
                $"expected a transport error, got {refused?.GetType().Name ?? "a response"}");
        }
        var failure = await watchFailure;
        Assert.False(cts.IsCancellationRequested, "the restart should have ended the watch");
        Assert.True(failure is IOException or HttpRequestException, $"expected a transport error, got {failure?.GetType().Name ?? "none"}");
        await restart;

        Assert.False(Faults.IsDown);
        Assert.Equal("kept", (await fx.Client.CoreV1.ReadNamespacedConfigMapAsync("kept", ns)).Metadata.Name);
        Assert.Equal(1, Faults.Counts[FaultKind.Restart]);
    }

    [Fact]
    public async Task Non_resource_requests_are_never_faulted()
    {
        using var rule = Faults.Add(new FaultRule { Kind = FaultKind.InternalError });
        var (code, _, _) = await fx.SendAsync(HttpMethod.Get, "/version");
        Assert.Equal(200, code);
        Assert.Equal(0, Faults.Total);
    }
}
