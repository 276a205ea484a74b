using k8s;
using k8s.Models;

namespace AppKeys.Runtime.Informers;

/// <summary>
/// Thread-safe in-memory cache of one kind, keyed by namespace/name, with caller-defined indexes. Mutated only by its
/// informer. Reads copy: <see cref="Get"/>, <see cref="List"/> and <see cref="ByIndex"/> return deep copies (see
/// <see cref="IObjectStore{T}"/>), so no caller can corrupt the cache; the informer keeps one instance per object.
/// Views (<see cref="InformerOptions{T}.Views"/>) are the exception that makes hot read paths cheap: a value derived
/// from one version of an object, computed at the first read after it changed and then shared by every reader.
/// </summary>
/// <typeparam name="T">Object type.</typeparam>
public sealed class ObjectStore<T> : IObjectStore<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly Lock gate = new();
    private static readonly object NotComputed = new();
    private readonly Dictionary<ObjectKey, T> items = [];
    private readonly Dictionary<string, Func<T, IEnumerable<string>>> indexers;
    private readonly Dictionary<string, Dictionary<string, HashSet<ObjectKey>>> indexes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> viewSlots = new(StringComparer.Ordinal);
    private readonly Func<T, object?>[] viewFunctions;
    private readonly Dictionary<ObjectKey, object?[]> viewValues = [];

    /// <summary>Creates an empty store with the given extra indexers and views.</summary>
    public ObjectStore(
        IEnumerable<KeyValuePair<string, Func<T, IEnumerable<string>>>>? indexers = null,
        IEnumerable<KeyValuePair<string, Func<T, object?>>>? views = null)
    {
        var functions = new List<Func<T, object?>>();
        foreach (var (name, view) in views ?? [])
        {
            viewSlots.Add(name, functions.Count);
            functions.Add(view);
        }

        viewFunctions = [.. functions];

        this.indexers = new Dictionary<string, Func<T, IEnumerable<string>>>(StringComparer.Ordinal);
        foreach (var (name, indexer) in indexers ?? [])
        {
            this.indexers.Add(name, indexer);
        }

        foreach (var name in this.indexers.Keys)
        {
            indexes[name] = new Dictionary<string, HashSet<ObjectKey>>(StringComparer.Ordinal);
        }
    }

    /// <inheritdoc />
    public int Count
    {
        get
        {
            lock (gate)
            {
                return items.Count;
            }
        }
    }

    /// <inheritdoc />
    public T? Get(ObjectKey key)
    {
        T? cached;
        lock (gate)
        {
            cached = items.GetValueOrDefault(key);
        }

        // Clone outside the lock: cached instances are never mutated (Upsert replaces them), so this is safe.
        return cached is null ? null : KubernetesObjects.Clone(cached);
    }

    /// <inheritdoc />
    public IReadOnlyList<T> List() => [.. Shared().Select(KubernetesObjects.Clone)];

    /// <inheritdoc />
    public IReadOnlyList<TResult> Project<TResult>(Func<T, TResult> projection)
    {
        ArgumentNullException.ThrowIfNull(projection);
        var cached = Shared();
        var result = new TResult[cached.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = projection(cached[i]);
        }

        return result;
    }

    /// <inheritdoc />
    public IReadOnlyList<T> ByIndex(string indexName, string value) => [.. IndexKeys(indexName, value).Select(Get).OfType<T>()];

    /// <inheritdoc />
    public IReadOnlyList<ObjectKey> IndexKeys(string indexName, string value)
    {
        var index = IndexNamed(indexName);
        lock (gate)
        {
            return index.TryGetValue(value, out var keys) ? [.. keys] : [];
        }
    }

    /// <inheritdoc />
    public TView? View<TView>(string viewName, ObjectKey key)
        where TView : class
    {
        var slot = Slot(viewName);
        T? cached;
        object?[]? values;
        lock (gate)
        {
            if (!items.TryGetValue(key, out cached))
            {
                return null;
            }

            values = viewValues[key];
        }

        return (TView?)ViewOf(cached, values, slot);
    }

    /// <inheritdoc />
    public IReadOnlyList<TView> ViewsByIndex<TView>(string indexName, string value, string viewName)
        where TView : class
    {
        var slot = Slot(viewName);
        var index = IndexNamed(indexName);

        // One lock for the index and the objects it names; the views are computed outside it (ViewOf).
        var found = new List<(T Object, object?[] Values)>();
        lock (gate)
        {
            foreach (var key in index.GetValueOrDefault(value) ?? [])
            {
                found.Add((items[key], viewValues[key]));
            }
        }

        var result = new List<TView>(found.Count);
        foreach (var (cached, values) in found)
        {
            if (ViewOf(cached, values, slot) is TView view)
            {
                result.Add(view);
            }
        }

        return result;
    }

    /// <summary>The cached instances themselves (no copy), for the informer's own dispatch and resync.</summary>
    internal IReadOnlyList<T> Shared()
    {
        lock (gate)
        {
            return [.. items.Values];
        }
    }

    /// <summary>Adds or replaces the object; returns the previous state.</summary>
    public T? Upsert(T obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var key = ObjectKey.From(obj);
        lock (gate)
        {
            items.TryGetValue(key, out var old);
            if (old is not null)
            {
                Unindex(key, old);
            }

            items[key] = obj;
            viewValues[key] = NewViewValues();
            Index(key, obj);
            return old;
        }
    }

    /// <summary>Removes the object with <paramref name="key"/>; returns it, or null.</summary>
    public T? Remove(ObjectKey key)
    {
        lock (gate)
        {
            if (!items.Remove(key, out var old))
            {
                return null;
            }

            viewValues.Remove(key);
            Unindex(key, old);
            return old;
        }
    }

    /// <summary>
    /// Replaces everything in <paramref name="namespace"/> (null: everything) with <paramref name="fresh"/> and returns
    /// the differences: new objects as Added, objects whose resourceVersion changed as Modified, objects missing from
    /// <paramref name="fresh"/> as Deleted.
    /// </summary>
    public IReadOnlyList<InformerEvent<T>> Replace(string? @namespace, IReadOnlyCollection<T> fresh)
    {
        ArgumentNullException.ThrowIfNull(fresh);
        var events = new List<InformerEvent<T>>();
        lock (gate)
        {
            var seen = new HashSet<ObjectKey>();
            foreach (var obj in fresh)
            {
                var key = ObjectKey.From(obj);
                seen.Add(key);
                var old = Upsert(obj);
                if (old is null)
                {
                    events.Add(new InformerEvent<T>(InformerEventType.Added, obj, null));
                }
                else if (old.Metadata?.ResourceVersion != obj.Metadata?.ResourceVersion)
                {
                    events.Add(new InformerEvent<T>(InformerEventType.Modified, obj, old));
                }
            }

            var vanished = items.Keys.Where(k => !seen.Contains(k) && (@namespace is null || k.Namespace == @namespace)).ToList();
            foreach (var key in vanished)
            {
                var old = Remove(key)!;
                events.Add(new InformerEvent<T>(InformerEventType.Deleted, old, null));
            }
        }

        return events;
    }

    private Dictionary<string, HashSet<ObjectKey>> IndexNamed(string indexName) =>
        indexes.TryGetValue(indexName, out var index) ? index : throw new ArgumentException($"No indexer named '{indexName}'.", nameof(indexName));

    private int Slot(string viewName) =>
        viewSlots.TryGetValue(viewName, out var slot) ? slot : throw new ArgumentException($"No view named '{viewName}'.", nameof(viewName));

    private object?[] NewViewValues()
    {
        if (viewFunctions.Length == 0)
        {
            return [];
        }

        var values = new object?[viewFunctions.Length];
        Array.Fill(values, NotComputed);
        return values;
    }

    // Outside the lock: the cached instance is never mutated, so two readers may both compute a view of one version;
    // the first stored wins and both return it.
    private object? ViewOf(T cached, object?[] values, int slot)
    {
        var value = Volatile.Read(ref values[slot]);
        if (!ReferenceEquals(value, NotComputed))
        {
            return value;
        }

        var computed = viewFunctions[slot](cached);
        var previous = Interlocked.CompareExchange(ref values[slot], computed, NotComputed);
        return ReferenceEquals(previous, NotComputed) ? computed : previous;
    }

    private void Index(ObjectKey key, T obj)
    {
        foreach (var (name, indexer) in indexers)
        {
            foreach (var value in indexer(obj).Distinct(StringComparer.Ordinal))
            {
                var byValue = indexes[name];
                if (!byValue.TryGetValue(value, out var keys))
                {
                    byValue[value] = keys = [];
                }

                keys.Add(key);
            }
        }
    }

    private void Unindex(ObjectKey key, T obj)
    {
        foreach (var (name, indexer) in indexers)
        {
            var byValue = indexes[name];
            foreach (var value in indexer(obj).Distinct(StringComparer.Ordinal))
            {
                if (byValue.TryGetValue(value, out var keys) && keys.Remove(key) && keys.Count == 0)
                {
                    byValue.Remove(value);
                }
            }
        }
    }
}
