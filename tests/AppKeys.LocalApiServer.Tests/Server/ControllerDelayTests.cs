using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace AppKeys.LocalApiServer.Tests.Server;

/// <summary>
/// Garbage collection and namespace cleanup delays (<see cref="LocalApiServerOptions.GarbageCollectionDelay"/>,
/// <see cref="LocalApiServerOptions.NamespaceCleanupDelay"/>) and watch timeouts, all on the injected clock.
/// </summary>
public sealed class ControllerDelayTests : IAsyncLifetime
{
    private readonly FakeTimeProvider time = new(DateTimeOffset.UtcNow);
    private readonly ApiServerFixture fx = new();

    public async Task InitializeAsync()
    {
        fx.Options.Time = time;
        fx.Options.GarbageCollectionDelay = TimeSpan.FromSeconds(10);
        fx.Options.NamespaceCleanupDelay = TimeSpan.FromSeconds(30);
        await fx.InitializeAsync();
    }

    public Task DisposeAsync() => fx.DisposeAsync();

    private async Task<int> CodeAsync(string path) => (await fx.SendAsync(HttpMethod.Get, path)).Code;

    [Fact]
    public async Task Garbage_collection_waits_for_its_delay_after_the_owner_is_deleted()
    {
        var ns = await fx.NewNamespaceAsync();
        var (_, owner, _) = await fx.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", """{"metadata":{"name":"owner"}}""");
        var uid = owner!["metadata"]!["uid"]!.GetValue<string>();
        await fx.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps",
            $$$"""{"metadata":{"name":"dependent","ownerReferences":[{"apiVersion":"v1","kind":"ConfigMap","name":"owner","uid":"{{{uid}}}"}]}}""");

        await fx.SendAsync(HttpMethod.Delete, $"/api/v1/namespaces/{ns}/configmaps/owner");
        await Task.Delay(500);
        Assert.Equal(200, await CodeAsync($"/api/v1/namespaces/{ns}/configmaps/dependent"));
        time.Advance(TimeSpan.FromSeconds(9));
        await Task.Delay(300);
        Assert.Equal(200, await CodeAsync($"/api/v1/namespaces/{ns}/configmaps/dependent"));

        time.Advance(TimeSpan.FromSeconds(1));
        await ApiServerFixture.EventuallyAsync(async () => await CodeAsync($"/api/v1/namespaces/{ns}/configmaps/dependent") == 404, "the dependent collected");
    }

    [Fact]
    public async Task Namespace_cleanup_waits_for_its_delay()
    {
        var ns = await fx.NewNamespaceAsync();
        await fx.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", """{"metadata":{"name":"c"}}""");
        var (code, body, _) = await fx.SendAsync(HttpMethod.Delete, $"/api/v1/namespaces/{ns}");
        Assert.Equal(200, code);
        Assert.Equal("Terminating", body!["status"]!["phase"]!.GetValue<string>());
        await Task.Delay(500);
        Assert.Equal(200, await CodeAsync($"/api/v1/namespaces/{ns}/configmaps/c"));

        time.Advance(TimeSpan.FromSeconds(30));
        await ApiServerFixture.EventuallyAsync(async () => await CodeAsync($"/api/v1/namespaces/{ns}") == 404, "the namespace removed");
    }

    [Fact]
    public async Task A_watch_times_out_on_the_injected_clock()
    {
        var ns = await fx.NewNamespaceAsync();
        using var response = await fx.Http.GetAsync(new Uri($"/api/v1/namespaces/{ns}/configmaps?watch=true&timeoutSeconds=60", UriKind.Relative),
            HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();
        var read = stream.ReadAsync(new byte[1]).AsTask();
        await Task.Delay(500);
        Assert.False(read.IsCompleted, "the watch ended before its timeout");

        var clock = Stopwatch.StartNew();
        time.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(0, await read.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10));
    }
}
