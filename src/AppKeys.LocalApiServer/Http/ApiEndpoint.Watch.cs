using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Errors;
using AppKeys.LocalApiServer.Lists;
using AppKeys.LocalApiServer.Model;
using AppKeys.LocalApiServer.Objects;
using AppKeys.LocalApiServer.Registry;
using AppKeys.LocalApiServer.Resources;
using AppKeys.LocalApiServer.Storage;
using Microsoft.AspNetCore.Http;

namespace AppKeys.LocalApiServer.Http;

internal sealed partial class ApiEndpoint
{
    /// <summary>Longest watch when the client gives no timeoutSeconds (kube: --min-request-timeout 1800s, randomized).</summary>
    private static readonly TimeSpan MaxWatch = TimeSpan.FromMinutes(30);

    /// <summary>
    /// A watch (apiserver <c>pkg/endpoints/handlers/watch.go</c>, cacher semantics): 200, chunked,
    /// one JSON event per line flushed after each; a too-old resourceVersion yields one ERROR event (410 Expired).
    /// </summary>
    private async Task WatchAsync(HttpContext ctx, ApiResourceInfo r, string? ns)
    {
        var options = ListOptionsOf(ctx);
        ValidateListOptions(ctx, options, watch: true);
        var filter = ObjectFilter.Create(r, ns, options.LabelSelector, options.FieldSelector, s => service.Present(r, s));
        var table = TableRequest.FromAccept(ctx);
        var bookmarks = QueryBool(ctx, "allowWatchBookmarks");
        var sendInitial = QueryBool(ctx, "sendInitialEvents");
        var timeout = QueryLong(ctx, "timeoutSeconds") is { } t && t > 0 ? TimeSpan.FromSeconds(Math.Min(t, MaxWatch.TotalSeconds)) : MaxWatch;
        var fromRv = ResourceService.ParseRv(options.ResourceVersion);
        var storage = BuiltInResources.StorageKey(r);

        var initial = new List<WatchEvent>();
        Watcher watcher;
        long? expiredFloor = null;
        long startRevision;
        var store = service.Store;
        lock (store.Gate)
        {
            startRevision = store.Revision;
            if (sendInitial || fromRv is null or 0)
            {
                // Synthetic ADDED events for the current state, then changes after it.
                foreach (var kv in store.List(storage, ns))
                {
                    initial.Add(new WatchEvent(WatchEvent.Added, ResourceService.ParseRv(ObjectMeta.ResourceVersion(kv.Value)) ?? 0, kv.Value, null));
                }
                (watcher, _, _) = store.Watch(storage, ns, filter.Matches, startRevision, this.options.WatchBufferSize);
            }
            else
            {
                List<WatchEvent>? replay;
                long floor;
                (watcher, replay, floor) = store.Watch(storage, ns, filter.Matches, fromRv, this.options.WatchBufferSize);
                if (replay is null)
                {
                    expiredFloor = floor;
                }
                else
                {
                    initial.AddRange(replay);
                }
            }
        }

        try
        {
            ctx.Response.StatusCode = 200;
            ctx.Response.ContentType = "application/json";
            ctx.Response.Headers.CacheControl = "no-cache, private";
            await ctx.Response.StartAsync(ctx.RequestAborted);
            await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
            var writer = new WatchWriter(this, ctx, r, table);

            if (expiredFloor is { } f)
            {
                var status = StatusErrors.Expired($"too old resource version: {fromRv} ({f})").ToStatus();
                await writer.WriteRawAsync(WatchEvent.Error, status);
                return;
            }
            // timeoutSeconds runs on the injected clock, like every other server-side time.
            using var expiry = new CancellationTokenSource(timeout, this.options.Time);
            using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, stopping, expiry.Token);
            var token = lifetime.Token;

            foreach (var e in initial)
            {
                await writer.WriteAsync(e, filter, token);
            }
            if (sendInitial)
            {
                await writer.WriteBookmarkAsync(startRevision, initialEventsEnd: true, token);
            }
            await writer.FlushAsync(token);

            var reader = watcher.Reader;
            while (!token.IsCancellationRequested)
            {
                var waitTask = reader.WaitToReadAsync(token).AsTask();
                if (bookmarks)
                {
                    var delay = Task.Delay(this.options.WatchBookmarkInterval, this.options.Time, token);
                    var done = await Task.WhenAny(waitTask, delay);
                    if (done == delay && !token.IsCancellationRequested)
                    {
                        store.OfferBookmark(watcher);
                    }
                }
                bool more;
                try
                {
                    more = await waitTask;
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                if (!more)
                {
                    break; // closed: overflowed or its resource went away
                }
                while (reader.TryRead(out var e))
                {
                    if (e.Type == WatchEvent.Bookmark)
                    {
                        await writer.WriteBookmarkAsync(e.ResourceVersion, initialEventsEnd: false, token);
                    }
                    else
                    {
                        await writer.WriteAsync(e, filter, token);
                    }
                }
                await writer.FlushAsync(token);
            }
        }
        catch (OperationCanceledException)
        {
            // timeoutSeconds elapsed, the client went away or the server stops: end the stream cleanly.
        }
        catch (IOException)
        {
            // The client closed the connection mid-write.
        }
        finally
        {
            store.Unwatch(storage, watcher);
        }
    }

    /// <summary>Writes watch events of one stream, turning selector transitions into ADDED/DELETED as the cacher does.</summary>
    private sealed class WatchWriter(ApiEndpoint endpoint, HttpContext ctx, ApiResourceInfo resource, TableRequest? table)
    {
        private bool columnsSent;

        public async Task WriteAsync(WatchEvent e, ObjectFilter filter, CancellationToken token)
        {
            var type = e.Type;
            var matchesNew = filter.Matches(e.Object!);
            if (type == WatchEvent.Modified)
            {
                var matchesOld = e.Previous is not null && filter.Matches(e.Previous);
                type = (matchesNew, matchesOld) switch
                {
                    (true, true) => WatchEvent.Modified,
                    (true, false) => WatchEvent.Added,
                    (false, true) => WatchEvent.Deleted,
                    _ => "",
                };
            }
            else if (!matchesNew)
            {
                type = "";
            }
            if (type.Length == 0)
            {
                return;
            }
            var obj = endpoint.service.Present(resource, e.Object!);
            if (table is not null)
            {
                var meta = new JsonObject { ["resourceVersion"] = obj["metadata"]?["resourceVersion"]?.DeepClone() };
                obj = endpoint.RenderTable(resource, [obj], table, meta, includeColumns: !columnsSent);
                columnsSent = true;
            }
            await WriteRawAsync(type, obj, token);
        }

        public Task WriteBookmarkAsync(long rv, bool initialEventsEnd, CancellationToken token)
        {
            var meta = new JsonObject { ["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture) };
            if (initialEventsEnd)
            {
                meta["annotations"] = new JsonObject { ["k8s.io/initial-events-end"] = "true" };
            }
            var obj = new JsonObject { ["kind"] = resource.Kind, ["apiVersion"] = resource.GroupVersion, ["metadata"] = meta };
            return WriteRawAsync(WatchEvent.Bookmark, obj, token);
        }

        public async Task WriteRawAsync(string type, JsonObject obj, CancellationToken token = default)
        {
            var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer, JsonText.WriterOptions))
            {
                json.WriteStartObject();
                json.WriteString("type", type);
                json.WritePropertyName("object");
                obj.WriteTo(json, JsonText.Compact);
                json.WriteEndObject();
            }
            buffer.WriteByte((byte)'\n');
            await ctx.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), token);
            if (type == WatchEvent.Error)
            {
                await ctx.Response.Body.FlushAsync(token);
            }
        }

        public Task FlushAsync(CancellationToken token) => ctx.Response.Body.FlushAsync(token);
    }
}
