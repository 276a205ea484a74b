using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Objects;

namespace AppKeys.LocalApiServer.Storage;

/// <summary>
/// The in-memory cluster state (etcd's role; not the operator's informer cache, <c>AppKeys.Runtime.Informers.ObjectStore</c>): every storage (resource) keyed by <c>group/plural</c>, one global monotonically
/// increasing resourceVersion (as etcd's revision), a bounded event window per storage and its watchers.
/// All reads and writes happen under <see cref="Gate"/>: writes are serialized, which keeps resourceVersions,
/// events and watcher fan-out in one order. Stored objects are immutable; callers clone before changing.
/// </summary>
public sealed class ClusterStore
{
    private readonly Dictionary<string, ResourceTable> tables = new(StringComparer.Ordinal);
    private readonly int window;
    private long revision;
    private long defaultFloor;

    public ClusterStore(int eventWindow, long initialRevision = 0)
    {
        window = Math.Max(1, eventWindow);
        revision = initialRevision;
    }

    /// <summary>The lock that serializes all access. Hold it across a read-modify-write.</summary>
    public Lock Gate { get; } = new();

    /// <summary>The latest resourceVersion handed out.</summary>
    public long Revision
    {
        get
        {
            lock (Gate)
            {
                return revision;
            }
        }
    }

    /// <summary>Raised (under the lock) after each change; the background controllers watch it.</summary>
    public Action<string, WatchEvent>? Changed { get; set; }

    /// <summary>
    /// Durable record of committed changes (null: memory only). Each change is appended under <see cref="Gate"/>
    /// before it is applied, so a change the journal refused (disk full, closed at shutdown) never becomes visible.
    /// </summary>
    internal IStoreJournal? Journal { get; set; }

    /// <summary>Allocates the next resourceVersion. Requires <see cref="Gate"/>.</summary>
    public long NextRevision() => ++revision;

    public static string Key(string? ns, string name) => string.IsNullOrEmpty(ns) ? name : $"{ns}/{name}";

    public JsonObject? Get(string storage, string? ns, string name) =>
        Table(storage).Objects.TryGetValue(Key(ns, name), out var obj) ? obj : null;

    /// <summary>Objects of a storage in key order, optionally of one namespace. Requires <see cref="Gate"/>.</summary>
    public IEnumerable<KeyValuePair<string, JsonObject>> List(string storage, string? ns)
    {
        var objects = Table(storage).Objects;
        if (string.IsNullOrEmpty(ns))
        {
            return objects;
        }
        var prefix = ns + "/";
        return objects.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal));
    }

    public IEnumerable<string> Storages => tables.Keys;

    /// <summary>Stores a new or changed object (its resourceVersion already set) and emits ADDED/MODIFIED.</summary>
    public void Put(string storage, JsonObject obj, long revision)
    {
        JsonText.Materialize(obj);
        var table = Table(storage);
        var key = Key(ObjectMeta.Namespace(obj), ObjectMeta.Name(obj));
        Journal?.Append(JournalEntry.Put(storage, revision, obj));
        table.Objects.TryGetValue(key, out var previous);
        table.Objects[key] = obj;
        Emit(storage, table, new WatchEvent(previous is null ? WatchEvent.Added : WatchEvent.Modified, revision, obj, previous));
        Journal?.AfterApply(this);
    }

    /// <summary>Removes an object; <paramref name="finalState"/> is its last state stamped with the deletion RV.</summary>
    public void Remove(string storage, JsonObject finalState, long revision)
    {
        JsonText.Materialize(finalState);
        var table = Table(storage);
        var key = Key(ObjectMeta.Namespace(finalState), ObjectMeta.Name(finalState));
        if (!table.Objects.ContainsKey(key))
        {
            return;
        }
        Journal?.Append(JournalEntry.Delete(storage, revision, key));
        table.Objects.Remove(key, out var previous);
        Emit(storage, table, new WatchEvent(WatchEvent.Deleted, revision, finalState, previous));
        Journal?.AfterApply(this);
    }

    /// <summary>Loads an object without an event or journal entry (persistence replay). Requires <see cref="Gate"/>.</summary>
    internal void Load(string storage, JsonObject obj)
    {
        JsonText.Materialize(obj);
        Table(storage).Objects[Key(ObjectMeta.Namespace(obj), ObjectMeta.Name(obj))] = obj;
    }

    /// <summary>Removes an object without an event or journal entry (persistence replay). Requires <see cref="Gate"/>.</summary>
    internal void Unload(string storage, string key) => Table(storage).Objects.Remove(key);

    /// <summary>Every stored object with its storage, for snapshots. Requires <see cref="Gate"/>.</summary>
    internal IEnumerable<(string Storage, JsonObject Object)> AllObjects() =>
        tables.OrderBy(t => t.Key, StringComparer.Ordinal)
            .SelectMany(t => t.Value.Objects.Values.Select(o => (t.Key, o)));

    /// <summary>Drops a whole storage (a deleted CRD's objects after their DELETED events).</summary>
    public void CloseWatchers(string storage)
    {
        if (tables.TryGetValue(storage, out var table))
        {
            foreach (var w in table.Watchers)
            {
                w.Close();
            }
            table.Watchers.Clear();
        }
    }

    /// <summary>
    /// Registers a watcher and returns the events it must first replay: changes after <paramref name="fromRevision"/>
    /// from the window, or null when that revision is older than the window (410 Expired). Requires <see cref="Gate"/>.
    /// </summary>
    public (Watcher Watcher, List<WatchEvent>? Replay, long Floor) Watch(
        string storage, string? ns, Func<JsonObject, bool> matches, long? fromRevision, int capacity)
    {
        var table = Table(storage);
        List<WatchEvent>? replay = [];
        if (fromRevision is { } from)
        {
            if (from < table.WindowFloor)
            {
                replay = null;
            }
            else
            {
                foreach (var e in table.Events)
                {
                    if (e.ResourceVersion > from)
                    {
                        replay.Add(e);
                    }
                }
            }
        }
        var watcher = new Watcher(ns, matches, capacity);
        if (replay is not null)
        {
            table.Watchers.Add(watcher);
        }
        return (watcher, replay, table.WindowFloor);
    }

    public void Unwatch(string storage, Watcher watcher)
    {
        lock (Gate)
        {
            if (tables.TryGetValue(storage, out var table))
            {
                table.Watchers.Remove(watcher);
            }
        }
    }

    /// <summary>
    /// The state of a storage as it was at <paramref name="revision"/>, rebuilt by undoing windowed events;
    /// null when that revision is older than the window. Requires <see cref="Gate"/>.
    /// </summary>
    public SortedDictionary<string, JsonObject>? StateAt(string storage, long revision)
    {
        var table = Table(storage);
        if (revision < table.WindowFloor)
        {
            return null;
        }
        var state = new SortedDictionary<string, JsonObject>(table.Objects, StringComparer.Ordinal);
        for (var node = table.Events.Last; node is not null && node.Value.ResourceVersion > revision; node = node.Previous)
        {
            var e = node.Value;
            var key = Key(ObjectMeta.Namespace(e.Object!), ObjectMeta.Name(e.Object!));
            if (e.Previous is null)
            {
                state.Remove(key);
            }
            else
            {
                state[key] = e.Previous;
            }
        }
        return state;
    }

    private void Emit(string storage, ResourceTable table, WatchEvent e)
    {
        table.Events.AddLast(e);
        while (table.Events.Count > window)
        {
            table.WindowFloor = table.Events.First!.Value.ResourceVersion;
            table.Events.RemoveFirst();
        }
        for (var i = table.Watchers.Count - 1; i >= 0; i--)
        {
            var w = table.Watchers[i];
            if (w.Namespace is { } wns && wns != ObjectMeta.Namespace(e.Object!))
            {
                continue;
            }
            if (!w.Offer(e))
            {
                table.Watchers.RemoveAt(i);
            }
        }
        Changed?.Invoke(storage, e);
    }

    /// <summary>Queues a BOOKMARK at the current revision into one watcher, in order with its events.</summary>
    public void OfferBookmark(Watcher watcher)
    {
        lock (Gate)
        {
            watcher.Offer(new WatchEvent(WatchEvent.Bookmark, revision, null, null));
        }
    }

    /// <summary>Changes after this resourceVersion can still be replayed. Requires <see cref="Gate"/>.</summary>
    public long Floor(string storage) => Table(storage).WindowFloor;

    private ResourceTable Table(string storage)
    {
        if (!tables.TryGetValue(storage, out var table))
        {
            // A storage that never had events cannot have missed any: every RV up to now is replayable.
            table = new ResourceTable(defaultFloor);
            tables[storage] = table;
        }
        return table;
    }

    /// <summary>Lets persistence move the window floor after a reload (nothing before it can be replayed).</summary>
    internal void SetFloor(long floor)
    {
        defaultFloor = floor;
        foreach (var t in tables.Values)
        {
            t.WindowFloor = floor;
        }
    }
}
