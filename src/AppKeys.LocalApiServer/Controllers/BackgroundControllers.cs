using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Model;
using AppKeys.LocalApiServer.Objects;
using AppKeys.LocalApiServer.Registry;
using AppKeys.LocalApiServer.Resources;
using AppKeys.LocalApiServer.Storage;
using Microsoft.Extensions.Logging;

namespace AppKeys.LocalApiServer.Controllers;

/// <summary>
/// The kube-controller-manager parts the API contract depends on: the garbage collector (owner references by uid,
/// Background/Foreground/Orphan), the namespace controller (delete contents of a terminating namespace, then the
/// namespace) and the CRD finalizer (delete a CRD's objects, then the CRD). Each sweep runs under the store lock, so
/// it sees and leaves a consistent state. This file holds the shared loop; each controller is in its own file
/// (<c>.GarbageCollector.cs</c>, <c>.Namespaces.cs</c>, <c>.CrdCleanup.cs</c>). With <see cref="LocalApiServerOptions.GarbageCollectionDelay"/> /
/// <see cref="LocalApiServerOptions.NamespaceCleanupDelay"/> a dependent or a namespace is acted on only once its
/// condition has held that long on the injected clock (a real controller manager is not instantaneous).
/// </summary>
/// <remarks>
/// A sweep reads every stored object, so it only runs after a change it could act on (<see cref="NeedsSweep"/>):
/// a removal, a write to a terminating object, or owner references naming an owner that is absent or terminating.
/// Sweeping after every write made writes O(objects) under the store lock (quadratic in bulk creates).
/// </remarks>
internal sealed partial class BackgroundControllers
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);
    private readonly ResourceService service;
    private readonly ILogger logger;
    private readonly CancellationToken stopping;
    private readonly TimeProvider time;
    private readonly TimeSpan gcDelay;
    private readonly TimeSpan namespaceDelay;
    // When each pending item (dependent uid, namespace uid) first became due for action; only touched under the store lock.
    private Dictionary<string, DateTimeOffset> pendingSince = new(StringComparer.Ordinal);
    private Dictionary<string, DateTimeOffset> seenThisPass = new(StringComparer.Ordinal);
    private DateTimeOffset? nextDue;
    private readonly SemaphoreSlim signal = new(0);
    private Task? loop;

    // Set under the store lock by a relevant change, cleared by the sweep pass that starts after it.
    private volatile bool dirty = true;

    public BackgroundControllers(ResourceService service, ILogger logger, CancellationToken stopping,
        TimeProvider? time = null, TimeSpan gcDelay = default, TimeSpan namespaceDelay = default)
    {
        this.service = service;
        this.logger = logger;
        this.stopping = stopping;
        this.time = time ?? TimeProvider.System;
        this.gcDelay = gcDelay;
        this.namespaceDelay = namespaceDelay;
    }

    public void Start()
    {
        lock (service.Store.Gate)
        {
            service.Store.Changed += OnChanged;
        }
        service.ControllersNeeded += Signal;
        loop = Task.Run(RunAsync);
    }

    public async Task StopAsync()
    {
        service.ControllersNeeded -= Signal;
        lock (service.Store.Gate)
        {
            service.Store.Changed -= OnChanged;
        }
        if (loop is not null)
        {
            try
            {
                await loop;
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private void Signal()
    {
        if (dirty && signal.CurrentCount == 0)
        {
            signal.Release();
        }
    }

    private async Task RunAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            var wait = Period;
            if (nextDue is { } due)
            {
                var untilDue = due - time.GetUtcNow();
                wait = untilDue < TimeSpan.Zero ? TimeSpan.Zero : untilDue < wait ? untilDue : wait;
            }
            using (var cycle = CancellationTokenSource.CreateLinkedTokenSource(stopping))
            {
                // Woken by a relevant write, or by the injected clock (the periodic pass, or a delay coming due).
                var signalled = signal.WaitAsync(cycle.Token);
                var tick = Task.Delay(wait, time, cycle.Token);
                await Task.WhenAny(signalled, tick);
                await cycle.CancelAsync();
                if (stopping.IsCancellationRequested)
                {
                    return;
                }
            }
            if (!dirty)
            {
                continue;
            }
            try
            {
                Sweep();
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Background controller sweep failed");
            }
        }
    }

    /// <summary>Runs passes until nothing changes (bounded, each pass may unblock the next).</summary>
    internal void Sweep()
    {
        lock (service.Store.Gate)
        {
            // A pass that changes nothing writes nothing, so it leaves dirty clear; the bound leaves it set and the
            // periodic wake-up carries on.
            for (var pass = 0; pass < 20; pass++)
            {
                dirty = false;
                seenThisPass = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
                nextDue = null;
                var changed = Pass();
                // Items no longer waiting are forgotten; those still waiting keep the sweep alive until they come due.
                pendingSince = seenThisPass;
                if (nextDue is not null)
                {
                    dirty = true;
                }
                if (!changed)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Store change hook (runs under the store lock).</summary>
    private void OnChanged(string storage, WatchEvent e)
    {
        if (!dirty && NeedsSweep(e))
        {
            dirty = true;
        }
    }

    /// <summary>
    /// Whether a change can give a controller something to do. Removals may leave dependents without an owner or
    /// empty a terminating namespace/CRD; terminating objects wait on finalizers and dependents; owner references
    /// matter only when an owner they name (before or after the change) is absent, elsewhere or terminating.
    /// </summary>
    internal bool NeedsSweep(WatchEvent e)
    {
        if (e.Type == WatchEvent.Deleted)
        {
            return true;
        }
        if (e.Object is not { } current || e.Type == WatchEvent.Bookmark)
        {
            return false;
        }
        if (ObjectMeta.IsTerminating(current) || (e.Previous is { } before && ObjectMeta.IsTerminating(before)))
        {
            return true;
        }
        var refs = OwnerReferences(current);
        var previousRefs = e.Previous is null ? null : OwnerReferences(e.Previous);
        if (refs is null && previousRefs is null)
        {
            return false;
        }
        if (JsonNode.DeepEquals(refs, previousRefs))
        {
            return false;
        }
        var ns = ObjectMeta.Namespace(current);
        return refs?.OfType<JsonObject>().Any(r => !OwnerAlive(r, ns)) == true
            || previousRefs?.OfType<JsonObject>().Any(r => !OwnerAlive(r, ns)) == true;
    }

    private static JsonArray? OwnerReferences(JsonObject obj) =>
        JsonText.GetObject(obj, "metadata")?["ownerReferences"] as JsonArray;

    /// <summary>The referenced owner exists with that uid where the GC looks for it, and is not being deleted.</summary>
    private bool OwnerAlive(JsonObject reference, string dependentNamespace)
    {
        var apiVersion = JsonText.GetString(reference, "apiVersion");
        var kind = JsonText.GetString(reference, "kind");
        var name = JsonText.GetString(reference, "name");
        var uid = JsonText.GetString(reference, "uid");
        if (apiVersion is null || kind is null || name is null || uid is null)
        {
            return false;
        }
        foreach (var r in service.Registry.All)
        {
            if (r.Kind != kind || r.GroupVersion != apiVersion || r.Group == "events.k8s.io")
            {
                continue;
            }
            var owner = service.Store.Get(BuiltInResources.StorageKey(r), r.Namespaced ? dependentNamespace : null, name);
            return owner is not null && ObjectMeta.Uid(owner) == uid && !ObjectMeta.IsTerminating(owner)
                && (!r.Namespaced || dependentNamespace.Length > 0);
        }
        return false;
    }

    private sealed record Entry(ApiResourceInfo Resource, string Storage, JsonObject Object);

    /// <summary>
    /// Whether an item that is due for action (<paramref name="key"/>) has been so for <paramref name="delay"/>;
    /// remembers when it was first seen and when the sweep must look again.
    /// </summary>
    private bool Waited(string key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            return true;
        }
        var now = time.GetUtcNow();
        var since = pendingSince.TryGetValue(key, out var first) ? first : now;
        seenThisPass[key] = since;
        var due = since + delay;
        if (now >= due)
        {
            return true;
        }
        nextDue = nextDue is { } next && next < due ? next : due;
        return false;
    }

    private bool Pass()
    {
        var store = service.Store;
        var resources = new Dictionary<string, ApiResourceInfo>(StringComparer.Ordinal);
        foreach (var r in service.Registry.All)
        {
            var key = BuiltInResources.StorageKey(r);
            if (r.Group != "events.k8s.io")
            {
                resources.TryAdd(key, r);
            }
        }
        var all = new List<Entry>();
        foreach (var storage in store.Storages.ToList())
        {
            if (resources.TryGetValue(storage, out var r))
            {
                all.AddRange(store.List(storage, null).Select(kv => new Entry(r, storage, kv.Value)));
            }
        }
        var byUid = new Dictionary<string, Entry>(StringComparer.Ordinal);
        foreach (var e in all)
        {
            byUid.TryAdd(ObjectMeta.Uid(e.Object), e);
        }
        return CollectGarbage(all, byUid) || FinishOwners(all) || TerminateNamespaces(all) || CleanUpCrds(all);
    }

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;
}
