using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Errors;
using AppKeys.LocalApiServer.Http;
using AppKeys.LocalApiServer.Model;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;

namespace AppKeys.LocalApiServer.Faults;

/// <summary>
/// Injects the failures a real API server shows (throttling, errors, conflicts, compaction, dropped and short
/// watches, restarts) into a running <see cref="LocalKubernetesApiServer"/>; reach it through
/// <see cref="LocalKubernetesApiServer.Faults"/>. Nothing is injected until a rule is added. Probabilities are
/// drawn from one seeded generator, so a test that sends the same requests in the same order sees the same
/// faults. Every injected fault is counted. See docs/reliability.md.
/// </summary>
public sealed class FaultInjector
{
    private readonly Lock gate = new();
    private readonly Func<long> revision;
    private readonly Func<string, string, string, ApiResourceInfo?> find;
    private readonly ConcurrentDictionary<FaultKind, long> counts = new();
    private readonly ConcurrentDictionary<OpenWatch, byte> watches = new();
    private readonly ConcurrentDictionary<string, ConnectionContext> connections = new(StringComparer.Ordinal);
    private Random random;
    private List<ActiveRule> rules = [];
    private long expiredBelow;
    private volatile bool down;

    internal FaultInjector(int seed, Func<long> revision, Func<string, string, string, ApiResourceInfo?> find)
    {
        random = new Random(seed);
        this.revision = revision;
        this.find = find;
    }

    /// <summary>Faults injected so far, by kind.</summary>
    public IReadOnlyDictionary<FaultKind, long> Counts => new SortedDictionary<FaultKind, long>(counts);

    /// <summary>All faults injected so far.</summary>
    public long Total => counts.Values.Sum();

    /// <summary>Watch streams currently open.</summary>
    public int OpenWatches => watches.Count;

    /// <summary>True while a simulated restart refuses connections.</summary>
    public bool IsDown => down;

    /// <summary>Restarts the random sequence (for repeatable runs).</summary>
    public void Reseed(int seed)
    {
        lock (gate)
        {
            random = new Random(seed);
        }
    }

    /// <summary>Adds a rule; dispose the result to remove it again.</summary>
    public IDisposable Add(FaultRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (rule.Probability is < 0 or > 1 || double.IsNaN(rule.Probability))
        {
            throw new ArgumentOutOfRangeException(nameof(rule), "Probability must be within 0..1");
        }
        var active = new ActiveRule(rule);
        lock (gate)
        {
            rules = [.. rules, active];
        }
        return new Removal(this, active);
    }

    /// <summary>Removes every rule (counts are kept).</summary>
    public void Clear()
    {
        lock (gate)
        {
            rules = [];
        }
    }

    public void ResetCounts() => counts.Clear();

    /// <summary>Ends every open watch now: cleanly (the stream ends, as on a server-side timeout) or by resetting its connection.</summary>
    public int CloseWatches(bool abrupt = false)
    {
        var closed = 0;
        foreach (var w in watches.Keys)
        {
            if (w.Close(abrupt))
            {
                closed++;
                Count(FaultKind.WatchClosed);
            }
        }
        return closed;
    }

    /// <summary>
    /// Compacts the watch history: from now on a watch from any resourceVersion older than the current one gets
    /// 410 Expired (the client must re-list), as after etcd compaction.
    /// </summary>
    public void ExpireWatchWindow() => Interlocked.Exchange(ref expiredBelow, revision());

    /// <summary>
    /// A restart that keeps all data in memory: every open connection (watches and idle keep-alives) is reset, and
    /// for <paramref name="downtime"/> new connections are closed as soon as they are accepted; then it serves
    /// again on the same address. Same as <c>RestartAsync(downtime, RestartMode.InMemory)</c>.
    /// </summary>
    public Task RestartAsync(TimeSpan downtime, CancellationToken ct = default) => RestartAsync(downtime, RestartMode.InMemory, ct);

    /// <summary>
    /// Restarts the server. <see cref="RestartMode.InMemory"/>: see <see cref="RestartAsync(TimeSpan, CancellationToken)"/>.
    /// <see cref="RestartMode.Full"/>: the server really stops (connections reset, nothing listens during
    /// <paramref name="downtime"/>, so clients get "connection refused") and a new instance loads the data
    /// directory and serves on the same address (<see cref="LocalKubernetesApiServer.RestartAsync"/>); it needs
    /// <see cref="LocalApiServerOptions.DataDirectory"/>.
    /// </summary>
    public async Task RestartAsync(TimeSpan downtime, RestartMode mode, CancellationToken ct = default)
    {
        if (mode == RestartMode.Full && FullRestart is null)
        {
            throw new InvalidOperationException("This fault injector is not attached to a server");
        }
        down = true;
        try
        {
            if (mode == RestartMode.Full)
            {
                await FullRestart!(downtime, ct);
                Count(FaultKind.Restart);
                return;
            }
            Count(FaultKind.Restart);
            foreach (var c in connections.Values)
            {
                c.Abort(new ConnectionAbortedException("The server is restarting."));
            }
            foreach (var w in watches.Keys)
            {
                w.Close(abrupt: true);
            }
            await Task.Delay(downtime, ct);
        }
        finally
        {
            down = false;
        }
    }

    /// <summary>Stops the server and starts a new instance from its data directory (set by the server).</summary>
    internal Func<TimeSpan, CancellationToken, Task>? FullRestart { get; set; }

    /// <summary>Kestrel connection middleware: tracks connections so a restart can reset them, refuses them while down.</summary>
    internal ConnectionDelegate WrapConnection(ConnectionDelegate next) => async connection =>
    {
        if (down)
        {
            connection.Abort(new ConnectionAbortedException("The server is restarting."));
            return;
        }
        connections[connection.ConnectionId] = connection;
        try
        {
            await next(connection);
        }
        finally
        {
            connections.TryRemove(connection.ConnectionId, out _);
        }
    };

    /// <summary>HTTP middleware in front of the API handler.</summary>
    internal async Task InvokeAsync(HttpContext ctx, RequestDelegate next)
    {
        var request = FaultRequest.Classify(ctx);
        if (request is null)
        {
            await next(ctx);
            return;
        }
        OpenWatch? watch = null;
        if (request.Verb == "watch")
        {
            watch = new OpenWatch(ctx);
            watches[watch] = 0;
        }
        try
        {
            if (watch is not null && WatchResourceVersion(ctx) is { } rv && rv < Interlocked.Read(ref expiredBelow))
            {
                Count(FaultKind.WatchExpired);
                await WriteExpiredAsync(ctx, rv);
                return;
            }
            foreach (var active in Volatile.Read(ref rules))
            {
                if (!Applies(active.Rule, request, ctx) || !Roll(active))
                {
                    continue;
                }
                if (active.Rule.Kind is not (FaultKind.WatchDrop or FaultKind.WatchTimeout))
                {
                    // Deferred watch faults are counted when they fire.
                    Count(active.Rule.Kind);
                }
                if (await InjectAsync(active.Rule, request, ctx, watch))
                {
                    return;
                }
            }
            await next(ctx);
        }
        finally
        {
            if (watch is not null)
            {
                watches.TryRemove(watch, out _);
                watch.Dispose();
            }
        }
    }

    private static bool Applies(FaultRule rule, FaultRequest request, HttpContext ctx)
    {
        var kindApplies = rule.Kind switch
        {
            FaultKind.Conflict => request.Verb == "update" && request.Name is not null,
            FaultKind.WatchExpired => request.Verb == "watch" && WatchResourceVersion(ctx) is > 0,
            FaultKind.WatchDrop or FaultKind.WatchTimeout => request.Verb == "watch",
            FaultKind.WatchClosed or FaultKind.Restart => false,
            _ => true,
        };
        return kindApplies && request.Matches(rule);
    }

    private bool Roll(ActiveRule active)
    {
        lock (gate)
        {
            if (active.Rule.MaxCount is { } max && active.Injected >= max)
            {
                return false;
            }
            // Always draw, so the sequence does not depend on the probabilities chosen.
#pragma warning disable CA5394 // a seeded, reproducible draw of test faults, not a secret
            var hit = random.NextDouble() < active.Rule.Probability;
#pragma warning restore CA5394
            if (hit)
            {
                active.Injected++;
            }
            return hit;
        }
    }

    /// <summary>Applies one fault; true when the request was answered (the chain stops).</summary>
    private async Task<bool> InjectAsync(FaultRule rule, FaultRequest request, HttpContext ctx, OpenWatch? watch)
    {
        switch (rule.Kind)
        {
            case FaultKind.Latency:
                await Task.Delay(rule.Latency, ctx.RequestAborted);
                return false;
            case FaultKind.TooManyRequests:
                // apiserver filters/maxinflight.go tooManyRequests: Go's http.Error, plain text.
                ctx.Response.StatusCode = 429;
                ctx.Response.Headers.RetryAfter = rule.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                ctx.Response.Headers["X-Content-Type-Options"] = "nosniff";
                ctx.Response.ContentType = "text/plain; charset=utf-8";
                await ctx.Response.Body.WriteAsync(Encoding.UTF8.GetBytes("Too many requests, please try again later.\n"), ctx.RequestAborted);
                return true;
            case FaultKind.InternalError:
                await HttpIo.WriteErrorAsync(ctx, StatusErrors.Internal("injected fault"));
                return true;
            case FaultKind.ServiceUnavailable:
                await HttpIo.WriteErrorAsync(ctx, new ApiException(503, "ServiceUnavailable", "the server is currently unable to handle the request"));
                return true;
            case FaultKind.Conflict:
                if (find(request.Group, request.Version, request.Resource) is not { } resource)
                {
                    return false;
                }
                await HttpIo.WriteErrorAsync(ctx, StatusErrors.Conflict(resource, request.Name!));
                return true;
            case FaultKind.WatchExpired:
                await WriteExpiredAsync(ctx, WatchResourceVersion(ctx) ?? 0);
                return true;
            case FaultKind.WatchDrop:
                watch!.DropAfter(Math.Max(1, rule.AfterEvents), rule.Abrupt, () => Count(FaultKind.WatchDrop));
                return false;
            case FaultKind.WatchTimeout:
                watch!.EndAfter(rule.WatchTimeout, () => Count(FaultKind.WatchTimeout));
                return false;
            default:
                return false;
        }
    }

    private static long? WatchResourceVersion(HttpContext ctx) =>
        ctx.Request.Query.TryGetValue("resourceVersion", out var v) && v.Count > 0
        && long.TryParse(v[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var rv) && rv > 0 ? rv : null;

    /// <summary>As the watch cache answers a compacted resourceVersion: 200, one ERROR event carrying a 410 Expired Status.</summary>
    private async Task WriteExpiredAsync(HttpContext ctx, long rv)
    {
        var status = StatusErrors.Expired($"too old resource version: {rv} ({revision()})").ToStatus();
        var line = new JsonObject { ["type"] = "ERROR", ["object"] = status }.ToJsonString() + "\n";
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/json";
        ctx.Response.Headers.CacheControl = "no-cache, private";
        await ctx.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(line), ctx.RequestAborted);
        await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
    }

    private void Count(FaultKind kind) => counts.AddOrUpdate(kind, 1, (_, n) => n + 1);

    private void Remove(ActiveRule rule)
    {
        lock (gate)
        {
            rules = rules.Where(r => !ReferenceEquals(r, rule)).ToList();
        }
    }

    private sealed class ActiveRule(FaultRule rule)
    {
        public FaultRule Rule { get; } = rule;

        public int Injected { get; set; }
    }

    private sealed class Removal(FaultInjector owner, ActiveRule rule) : IDisposable
    {
        public void Dispose() => owner.Remove(rule);
    }
}
