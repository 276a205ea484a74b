using System.Net;
using AppKeys.Runtime.Client;
using AppKeys.Runtime.Informers;
using AppKeys.Runtime.Tests.TestSupport;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;

namespace AppKeys.Runtime.Tests.Informers;

public sealed class InformerTests : IDisposable
{
    private readonly FakeTimeProvider time = new();
    private readonly FakeResourceClient client = new();
    private readonly CancellationTokenSource stop = new();
    private readonly List<string> events = [];
    private readonly Informer<V1ConfigMap> informer;

    public InformerTests()
    {
        informer = new Informer<V1ConfigMap>(client, new InformerOptions<V1ConfigMap> { ResyncPeriod = TimeSpan.FromHours(1) }, time);
        informer.AddHandler(e =>
        {
            lock (events)
            {
                events.Add($"{e.Type} {e.Object.Metadata.Name}@{e.Object.Metadata.ResourceVersion}");
            }
        });
    }

    public void Dispose()
    {
        stop.Cancel();
        stop.Dispose();
    }

    private string[] Events()
    {
        lock (events)
        {
            return [.. events];
        }
    }

    [Fact]
    public async Task A_dropped_watch_resumes_from_the_last_resource_version_without_losing_or_duplicating_events()
    {
        client.Put("a");
        var run = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync(stop.Token).WaitAsync(TimeSpan.FromSeconds(20));
        await Eventually.TrueAsync(() => client.WatchResourceVersions.Count == 1, "the first watch starts");
        Assert.Equal("2", client.WatchResourceVersions[0]);

        client.Send(WatchEventType.Added, FakeResourceClient.Object("b", "3"));
        client.Send(WatchEventType.Bookmark, FakeResourceClient.Object(string.Empty, "5"));
        client.EndWatch();
        await Eventually.TrueAsync(() => client.WatchResourceVersions.Count == 2, "the watch is resumed");
        Assert.Equal("5", client.WatchResourceVersions[1]);

        client.Send(WatchEventType.Modified, FakeResourceClient.Object("a", "6"));
        client.FailWatch(new HttpRequestException("connection reset"));
        await Eventually.TrueAsync(() => Events().Length == 3, "the modification arrives");

        // An error reconnects after backoff (fake time) and resumes from the last RV without re-listing.
        await Eventually.TrueAsync(() => { time.Advance(TimeSpan.FromSeconds(1)); return client.WatchResourceVersions.Count == 3; }, "the watch reconnects after an error");
        Assert.Equal("6", client.WatchResourceVersions[2]);
        client.Send(WatchEventType.Deleted, FakeResourceClient.Object("b", "7"));
        await Eventually.TrueAsync(() => Events().Length == 4, "the delete arrives");

        Assert.Equal(["Added a@2", "Added b@3", "Modified a@6", "Deleted b@7"], Events());
        Assert.Equal(1, client.Lists);
        Assert.Equal(["a"], informer.Store.List().Select(o => o.Metadata.Name));
        await Eventually.TrueAsync(() => informer.ActiveWatchConnections == 1 && client.OpenWatches == 1, "only one connection stays open");
        stop.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(0, client.OpenWatches);
        Assert.Equal(0, informer.ActiveWatchConnections);
    }

    [Fact]
    public async Task A_quiet_watch_that_reaches_its_timeout_resumes_at_once_without_backoff_or_relist()
    {
        client.Put("a");
        var run = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync(stop.Token).WaitAsync(TimeSpan.FromSeconds(20));
        await Eventually.TrueAsync(() => client.WatchResourceVersions.Count == 1, "the first watch starts");

        // Quiet watches (no events at all) that last until the server's timeoutSeconds end cleanly: each one is
        // resumed at once from the list's resourceVersion, however many there are in a row; the fake clock never
        // moves after the end, so any backoff would stall the resume.
        for (var i = 2; i <= 5; i++)
        {
            time.Advance(TimeSpan.FromMinutes(5));
            client.EndWatch();
            await Eventually.TrueAsync(() => client.WatchResourceVersions.Count == i, $"quiet watch {i - 1} is resumed without backoff");
            Assert.Equal("2", client.WatchResourceVersions[i - 1]);
        }

        // A bookmark on an otherwise quiet watch moves the resume point.
        client.Send(WatchEventType.Bookmark, FakeResourceClient.Object(string.Empty, "9"));
        time.Advance(TimeSpan.FromMinutes(5));
        client.EndWatch();
        await Eventually.TrueAsync(() => client.WatchResourceVersions.Count == 6, "the bookmarked watch is resumed");
        Assert.Equal("9", client.WatchResourceVersions[5]);

        // The informer is still live and never re-listed.
        client.Send(WatchEventType.Added, FakeResourceClient.Object("b", "10"));
        await Eventually.TrueAsync(() => Events().Contains("Added b@10"), "an event after the resumes arrives");
        Assert.Equal(1, client.Lists);
        stop.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task A_watch_that_ends_at_once_without_events_backs_off_instead_of_looping()
    {
        client.Put("a");
        var run = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync(stop.Token).WaitAsync(TimeSpan.FromSeconds(20));
        await Eventually.TrueAsync(() => client.WatchResourceVersions.Count == 1, "the first watch starts");

        // The stream ends while the clock stands still: a "very short watch". The resume waits for the backoff
        // (at least InitialBackoff/2 = 400 ms of fake time), so without advancing the clock nothing reconnects.
        client.EndWatch();
        await Task.Delay(300);
        Assert.Single(client.WatchResourceVersions);
        await Eventually.TrueAsync(() => { time.Advance(TimeSpan.FromMilliseconds(100)); return client.WatchResourceVersions.Count == 2; }, "the watch resumes after the backoff");
        Assert.Equal("2", client.WatchResourceVersions[1]);
        Assert.Equal(1, client.Lists);
        stop.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task An_expired_resource_version_relists_and_reports_objects_deleted_meanwhile()
    {
        client.Put("a");
        client.Put("b");
        var run = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync(stop.Token).WaitAsync(TimeSpan.FromSeconds(20));
        await Eventually.TrueAsync(() => client.WatchResourceVersions.Count == 1, "the first watch starts");

        client.Delete("b");
        client.Put("c");
        client.FailWatch(new KubernetesApiException(HttpStatusCode.Gone, new V1Status { Code = 410, Reason = "Expired" }, "too old resource version"));
        await Eventually.TrueAsync(() => client.WatchResourceVersions.Count == 2, "the informer re-lists and watches again");

        Assert.Equal(2, client.Lists);
        Assert.Equal("5", client.WatchResourceVersions[1]);
        Assert.Equal(["Added a@2", "Added b@3"], Events()[..2]);
        Assert.Equal(["Added c@5", "Deleted b@3"], Events()[2..].Order(StringComparer.Ordinal));
        Assert.Equal(["a", "c"], informer.Store.List().Select(o => o.Metadata.Name).Order(StringComparer.Ordinal));
        stop.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Resync_delivers_every_cached_object_again()
    {
        client.Put("a");
        var run = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync(stop.Token).WaitAsync(TimeSpan.FromSeconds(20));
        await Eventually.TrueAsync(() => client.WatchResourceVersions.Count == 1, "the first watch starts");
        await Eventually.TrueAsync(() => { time.Advance(TimeSpan.FromMinutes(10)); return Events().Contains("Resync a@2"); }, "a resync happens");
        stop.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Handlers_added_late_get_the_cache_first_and_can_be_removed()
    {
        client.Put("a");
        var run = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync(stop.Token).WaitAsync(TimeSpan.FromSeconds(20));
        var late = new List<string>();
        var registration = informer.AddHandler(e => late.Add($"{e.Type} {e.Object.Metadata.Name}"));
        Assert.Equal(["Added a"], late);
        Assert.Equal(2, informer.HandlerCount);
        registration.Dispose();
        Assert.Equal(1, informer.HandlerCount);
        stop.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task A_transform_applies_to_listed_and_watched_objects_before_they_are_cached_or_handled()
    {
        static V1ConfigMap WithManagedFields(V1ConfigMap cm)
        {
            cm.Metadata.ManagedFields = [new V1ManagedFieldsEntry { Manager = "kubectl", Operation = "Update" }];
            return cm;
        }

        WithManagedFields(client.Put("a"));
        var stripped = new Informer<V1ConfigMap>(client, new InformerOptions<V1ConfigMap> { Transform = InformerTransforms.StripManagedFields }, time);
        var handled = new List<V1ConfigMap>();
        stripped.AddHandler(e =>
        {
            lock (handled)
            {
                handled.Add(e.Object);
            }
        });
        var run = stripped.RunAsync(stop.Token);
        await stripped.WaitForSyncAsync(stop.Token).WaitAsync(TimeSpan.FromSeconds(20));
        await Eventually.TrueAsync(() => client.WatchResourceVersions.Count == 1, "the watch starts");

        client.Send(WatchEventType.Modified, WithManagedFields(FakeResourceClient.Object("a", "3")));
        client.Send(WatchEventType.Added, WithManagedFields(FakeResourceClient.Object("b", "4")));
        await Eventually.TrueAsync(() => { lock (handled) { return handled.Count == 3; } }, "list and watch events are handled");

        lock (handled)
        {
            Assert.All(handled, o => Assert.Null(o.Metadata.ManagedFields));
        }

        Assert.All(stripped.Store.List(), o => Assert.Null(o.Metadata.ManagedFields));
        Assert.Equal(["a@3", "b@4"], stripped.Store.List().Select(o => $"{o.Metadata.Name}@{o.Metadata.ResourceVersion}").Order());
        stop.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task A_handler_that_throws_gets_the_event_again_with_backoff_and_other_handlers_are_unaffected()
    {
        client.Put("a");
        var options = new InformerOptions<V1ConfigMap> { HandlerRetryInitialDelay = TimeSpan.FromMilliseconds(100), HandlerRetryMaxDelay = TimeSpan.FromSeconds(1) };
        var flaky = new Informer<V1ConfigMap>(client, options, time);
        var failuresLeft = 3;
        var delivered = new List<string>();
        var attempts = 0;
        flaky.AddHandler(e =>
        {
            lock (delivered)
            {
                attempts++;
                if (e.Object.Metadata.Name == "b" && failuresLeft-- > 0)
                {
                    throw new InvalidOperationException("handler failed");
                }

                delivered.Add($"{e.Type} {e.Object.Metadata.Name}@{e.Object.Metadata.ResourceVersion}");
            }
        });
        var healthy = new List<string>();
        flaky.AddHandler(e =>
        {
            lock (healthy)
            {
                healthy.Add(e.Object.Metadata.Name);
            }
        });
        var run = flaky.RunAsync(stop.Token);
        await flaky.WaitForSyncAsync(stop.Token).WaitAsync(TimeSpan.FromSeconds(20));
        await Eventually.TrueAsync(() => client.WatchResourceVersions.Count == 1, "the watch starts");

        client.Send(WatchEventType.Added, FakeResourceClient.Object("b", "3"));
        await Eventually.TrueAsync(() => flaky.PendingHandlerRetries == 1, "the failed event waits for its retry");
        lock (healthy)
        {
            Assert.Equal(["a", "b"], healthy);
        }

        // A newer event about the same object replaces the pending one: one pending event per object, never a backlog.
        client.Send(WatchEventType.Modified, FakeResourceClient.Object("b", "4"));
        await Eventually.TrueAsync(() => { lock (delivered) { return attempts == 3; } }, "the newer event is tried");
        Assert.Equal(1, flaky.PendingHandlerRetries);

        // Retries back off: 100 ms, then 200 ms (the third failure), then the event gets through.
        time.Advance(TimeSpan.FromMilliseconds(99));
        lock (delivered)
        {
            Assert.Equal(3, attempts);
        }

        time.Advance(TimeSpan.FromMilliseconds(1));
        lock (delivered)
        {
            Assert.Equal(4, attempts);
        }

        time.Advance(TimeSpan.FromMilliseconds(199));
        lock (delivered)
        {
            Assert.Equal(4, attempts);
        }

        time.Advance(TimeSpan.FromMilliseconds(1));
        lock (delivered)
        {
            Assert.Equal(5, attempts);
            Assert.Equal(["Added a@2", "Modified b@4"], delivered);
        }

        Assert.Equal(0, flaky.PendingHandlerRetries);
        time.Advance(TimeSpan.FromSeconds(10));
        lock (delivered)
        {
            Assert.Equal(5, attempts);
        }

        stop.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(20));
    }
}
