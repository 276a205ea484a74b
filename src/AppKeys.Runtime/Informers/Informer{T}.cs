using AppKeys.Runtime.Client;
using AppKeys.Runtime.Metrics;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AppKeys.Runtime.Informers;

/// <summary>
/// List-then-watch cache of one kind. Per watched namespace (or once cluster-wide): list (paged), replace the cache,
/// watch from the list's resourceVersion with bookmarks and a jittered <c>timeoutSeconds</c>; resume a watch that ended
/// from the last seen resourceVersion (nothing lost, nothing duplicated); on 410 Expired re-list and report objects
/// that vanished as deletes; on errors reconnect with jittered exponential backoff. Every connection's response
/// and cancellation source are disposed when it ends, so nothing accumulates per reconnect.
/// </summary>
/// <typeparam name="T">Object type.</typeparam>
public sealed class Informer<T> : IInformer<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    /// <summary>A watch that ends cleanly without events sooner than this is a "very short watch" (client-go) and backs off.</summary>
    private static readonly TimeSpan MinimumQuietWatch = TimeSpan.FromSeconds(1);

    private readonly IResourceClient<T> client;
    private readonly InformerOptions<T> options;
    private readonly TimeProvider timeProvider;
    private readonly RuntimeMetrics? metrics;
    private readonly ILogger logger;
    private readonly ObjectStore<T> store;
    private readonly Lock dispatchGate = new();
    private readonly List<HandlerEntry> handlers = [];
    private readonly TaskCompletionSource synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string?[] scopes;
    private int syncedScopes;
    private int running;
    private long connectionsOpened;
    private int activeConnections;

    /// <summary>Creates the informer (not started: call <see cref="RunAsync"/>).</summary>
    public Informer(IResourceClient<T> client, InformerOptions<T> options, TimeProvider timeProvider, RuntimeMetrics? metrics = null, ILogger<Informer<T>>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        this.client = client;
        this.options = options;
        this.timeProvider = timeProvider;
        this.metrics = metrics;
        this.logger = logger ?? NullLogger<Informer<T>>.Instance;
        store = new ObjectStore<T>(options.Indexers, options.Views);
        ResourceName = client.Resource.DisplayName;
        scopes = client.Resource.Namespaced && options.Namespaces is { Count: > 0 } namespaces
            ? [.. namespaces.Distinct(StringComparer.Ordinal)]
            : [null];
    }

    /// <inheritdoc />
    public string ResourceName { get; }

    /// <inheritdoc />
    public IObjectStore<T> Store => store;

    /// <inheritdoc />
    public bool HasSynced => synced.Task.IsCompleted;

    /// <summary>Watch connections opened so far (diagnostics; the benchmark checks memory against it).</summary>
    public long WatchConnectionsOpened => Interlocked.Read(ref connectionsOpened);

    /// <summary>Watch connections open now (at most one per watched namespace).</summary>
    public int ActiveWatchConnections => Volatile.Read(ref activeConnections);

    /// <summary>Handlers currently registered (diagnostics: must not grow with reconnects).</summary>
    public int HandlerCount
    {
        get
        {
            lock (dispatchGate)
            {
                return handlers.Count;
            }
        }
    }

    /// <summary>
    /// Events that a handler failed on and that wait for their retry, over all handlers (diagnostics: at most one per
    /// object per handler).
    /// </summary>
    public int PendingHandlerRetries
    {
        get
        {
            lock (dispatchGate)
            {
                return handlers.Sum(h => h.Pending.Count);
            }
        }
    }

    /// <inheritdoc />
    public Task WaitForSyncAsync(CancellationToken cancellationToken) => synced.Task.WaitAsync(cancellationToken);

    /// <inheritdoc />
    public IDisposable AddHandler(Action<InformerEvent<T>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var entry = new HandlerEntry(handler);
        entry.RetryTimer = timeProvider.CreateTimer(static state => ((RetryState)state!).Informer.RetryFailed(((RetryState)state).Entry), new RetryState(this, entry), Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        lock (dispatchGate)
        {
            handlers.Add(entry);
            foreach (var obj in store.Shared())
            {
                Invoke(entry, new InformerEvent<T>(InformerEventType.Added, obj, null));
            }
        }

        return new Registration(this, entry);
    }

    /// <inheritdoc />
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref running, 1) == 1)
        {
            throw new InvalidOperationException($"The informer for {ResourceName} is already running.");
        }

        var loops = scopes.Select(scope => RunScopeAsync(scope, cancellationToken)).ToList();
        if (options.ResyncPeriod > TimeSpan.Zero)
        {
            loops.Add(ResyncLoopAsync(cancellationToken));
        }

        await Task.WhenAll(loops);
    }

    private async Task RunScopeAsync(string? scope, CancellationToken cancellationToken)
    {
        var state = new ScopeState();
        var failures = 0;
        var scopeSynced = false;
        var reason = "initial";
        while (!cancellationToken.IsCancellationRequested)
        {
            var delay = TimeSpan.Zero;
            state.Events = 0;
            try
            {
                if (state.ResourceVersion is null)
                {
                    state.ResourceVersion = await ListAsync(scope, cancellationToken);
                    if (!scopeSynced)
                    {
                        scopeSynced = true;
                        if (Interlocked.Increment(ref syncedScopes) == scopes.Length)
                        {
                            synced.TrySetResult();
                        }
                    }
                }

                var watchStarted = timeProvider.GetTimestamp();
                await WatchOnceAsync(scope, state, reason, cancellationToken);
                if (state.Events > 0 || timeProvider.GetElapsedTime(watchStarted) >= MinimumQuietWatch)
                {
                    // A clean end (the server's timeoutSeconds passed, even on a quiet watch): resume at once from the
                    // last resourceVersion (bookmarks advance it); no backoff, no re-list.
                    failures = 0;
                    reason = "timeout";
                }
                else
                {
                    // client-go's "very short watch": a stream that ends at once without events must not become a
                    // hot loop, so it backs off like a failure.
                    failures = Math.Min(failures + 1, 30);
                    delay = Backoff(failures);
                    reason = "error";
                    logger.LogWarning("Watch of {Resource} in {Scope} ended after less than {Minimum} without events ({Failures} in a row); retrying in {Delay}", ResourceName, scope ?? "all namespaces", MinimumQuietWatch, failures, delay);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (KubernetesApiException e) when (e.IsGone)
            {
                logger.LogInformation("Watch of {Resource} in {Scope}: resourceVersion expired, re-listing", ResourceName, scope ?? "all namespaces");
                state.ResourceVersion = null;
                reason = "expired";
            }
            catch (Exception e)
            {
                // Events received before the failure count as progress: the connection worked for a while.
                failures = state.Events > 0 ? 1 : Math.Min(failures + 1, 30);
                delay = Backoff(failures);
                reason = "error";
                logger.LogWarning(e, "List/watch of {Resource} in {Scope} failed ({Failures} in a row); retrying in {Delay}", ResourceName, scope ?? "all namespaces", failures, delay);
            }

            if (delay > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(delay, timeProvider, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task<string> ListAsync(string? scope, CancellationToken cancellationToken)
    {
        metrics?.Relist(ResourceName);
        var items = new List<T>();
        string? next = null;
        string resourceVersion;
        do
        {
            var page = await client.ListAsync(scope, new ListOptions(options.LabelSelector, options.FieldSelector, options.ListPageSize > 0 ? options.ListPageSize : null, next), cancellationToken);
            items.AddRange(options.Transform is { } transform ? page.Items.Select(transform) : page.Items);
            resourceVersion = page.ResourceVersion;
            next = page.Continue;
        }
        while (next is not null);

        lock (dispatchGate)
        {
            foreach (var e in store.Replace(scope, items))
            {
                Dispatch(e);
            }
        }

        metrics?.StoreObjects(ResourceName, store.Count);
        logger.LogDebug("Listed {Count} {Resource} in {Scope} at resourceVersion {ResourceVersion}", items.Count, ResourceName, scope ?? "all namespaces", resourceVersion);
        return resourceVersion;
    }

    private async Task WatchOnceAsync(string? scope, ScopeState state, string reason, CancellationToken cancellationToken)
    {
#pragma warning disable CA5394, RS0030 // jitter that spreads watch timeouts, not a secret
        var timeout = options.MinWatchTimeout * (1 + Random.Shared.NextDouble());
#pragma warning restore CA5394, RS0030
        var timeoutSeconds = Math.Max(1, (int)timeout.TotalSeconds);

        // Client-side deadline in case the server never ends the stream (half-open connection).
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds) + TimeSpan.FromSeconds(30), timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        metrics?.WatchRestart(ResourceName, reason);
        Interlocked.Increment(ref connectionsOpened);
        Interlocked.Increment(ref activeConnections);
        try
        {
            var watchOptions = new ListOptions(options.LabelSelector, options.FieldSelector, ResourceVersion: state.ResourceVersion);
            await foreach (var e in client.WatchAsync(scope, watchOptions, timeoutSeconds, linked.Token))
            {
                state.Events++;
                metrics?.WatchEvent(ResourceName, e.Type.ToString());
                Apply(e);

                // Advance only after applying, so a resumed watch never skips an event.
                if (e.Object.Metadata?.ResourceVersion is { Length: > 0 } rv)
                {
                    state.ResourceVersion = rv;
                }
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            logger.LogDebug("Watch of {Resource} passed its deadline; reconnecting", ResourceName);
        }
        finally
        {
            Interlocked.Decrement(ref activeConnections);
        }
    }

    private void Apply(ResourceWatchEvent<T> e)
    {
        var obj = options.Transform is { } transform ? transform(e.Object) : e.Object;
        lock (dispatchGate)
        {
            switch (e.Type)
            {
                case WatchEventType.Added:
                case WatchEventType.Modified:
                    var old = store.Upsert(obj);
                    Dispatch(old is null
                        ? new InformerEvent<T>(InformerEventType.Added, obj, null)
                        : new InformerEvent<T>(InformerEventType.Modified, obj, old));
                    break;
                case WatchEventType.Deleted:
                    store.Remove(ObjectKey.From(obj));
                    Dispatch(new InformerEvent<T>(InformerEventType.Deleted, obj, null));
                    break;
                default:
                    return;
            }
        }

        metrics?.StoreObjects(ResourceName, store.Count);
    }

    private async Task ResyncLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await synced.Task.WaitAsync(cancellationToken);
            while (true)
            {
                await Task.Delay(options.ResyncPeriod, timeProvider, cancellationToken);
                lock (dispatchGate)
                {
                    foreach (var obj in store.Shared())
                    {
                        Dispatch(new InformerEvent<T>(InformerEventType.Resync, obj, null));
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private TimeSpan Backoff(int failures)
    {
        var baseDelay = options.InitialBackoff.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 20));
        var capped = Math.Min(baseDelay, options.MaxBackoff.TotalMilliseconds);
#pragma warning disable CA5394, RS0030 // backoff jitter, not a secret
        return TimeSpan.FromMilliseconds(capped * (0.5 + Random.Shared.NextDouble()));
#pragma warning restore CA5394, RS0030
    }

    private void Dispatch(InformerEvent<T> e)
    {
        foreach (var handler in handlers)
        {
            Invoke(handler, e);
        }
    }

    /// <summary>
    /// Delivers <paramref name="e"/>; a failure keeps the event for a retry with per-handler exponential backoff instead
    /// of dropping it until the next resync. Memory stays bounded: a handler keeps at most one pending event per object,
    /// the newest (a later event about the same object supersedes an older one, delivered or not).
    /// </summary>
    private void Invoke(HandlerEntry entry, InformerEvent<T> e)
    {
        var key = ObjectKey.From(e.Object);
        try
        {
            entry.Handler(e);
            entry.Pending.Remove(key);
        }
        catch (Exception ex)
        {
            entry.Pending[key] = e;
            logger.LogError(ex, "An event handler of the {Resource} informer failed on {Type} {ObjectKey}; retrying with backoff", ResourceName, e.Type, key);
            ArmRetry(entry);
        }
    }

    private void ArmRetry(HandlerEntry entry)
    {
        if (entry.RetryArmed || entry.Removed)
        {
            return;
        }

        var delay = options.HandlerRetryInitialDelay * Math.Pow(2, Math.Min(entry.Failures, 30));
        entry.RetryArmed = true;
        entry.RetryTimer!.Change(delay < options.HandlerRetryMaxDelay ? delay : options.HandlerRetryMaxDelay, Timeout.InfiniteTimeSpan);
    }

    private void RetryFailed(HandlerEntry entry)
    {
        lock (dispatchGate)
        {
            entry.RetryArmed = false;
            if (entry.Removed || entry.Pending.Count == 0)
            {
                entry.Failures = 0;
                return;
            }

            // Suppress arming from inside the round; the next delay is decided once, below.
            entry.RetryArmed = true;
            var before = entry.Pending.Count;
            foreach (var e in entry.Pending.Values.ToList())
            {
                Invoke(entry, e);
            }

            // Back off further only while nothing gets through; progress starts the next round at the base delay.
            entry.Failures = entry.Pending.Count < before ? 0 : entry.Failures + 1;
            entry.RetryArmed = false;
            if (entry.Pending.Count > 0)
            {
                ArmRetry(entry);
            }
        }
    }

    private void RemoveHandler(HandlerEntry entry)
    {
        lock (dispatchGate)
        {
            handlers.Remove(entry);
            entry.Removed = true;
            entry.Pending.Clear();
        }

        entry.RetryTimer?.Dispose();
    }

    /// <summary>One registered handler and the events it failed on.</summary>
    private sealed class HandlerEntry(Action<InformerEvent<T>> handler)
    {
        public Action<InformerEvent<T>> Handler { get; } = handler;

        public Dictionary<ObjectKey, InformerEvent<T>> Pending { get; } = [];

        public ITimer? RetryTimer { get; set; }

        public int Failures { get; set; }

        public bool RetryArmed { get; set; }

        public bool Removed { get; set; }
    }

    private sealed record RetryState(Informer<T> Informer, HandlerEntry Entry);

    /// <summary>Where one namespace's list/watch stands; survives failed connections so a resume misses nothing.</summary>
    private sealed class ScopeState
    {
        public string? ResourceVersion { get; set; }

        public int Events { get; set; }
    }

    private sealed class Registration(Informer<T> informer, HandlerEntry handler) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                informer.RemoveHandler(handler);
            }
        }
    }
}
