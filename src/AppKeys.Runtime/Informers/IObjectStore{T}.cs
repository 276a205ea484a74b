namespace AppKeys.Runtime.Informers;

/// <summary>
/// Read access to an informer's in-memory cache. Every returned object is a private deep copy (copy on read): a
/// caller may mutate it freely without touching the cache. Copying costs a JSON round trip per object (measured in
/// docs/runtime.md), so ask for keys (<see cref="IndexKeys"/>) when the objects themselves are not needed.
/// </summary>
/// <typeparam name="T">Object type.</typeparam>
public interface IObjectStore<T>
    where T : class
{
    /// <summary>Number of cached objects.</summary>
    int Count { get; }

    /// <summary>The cached object with <paramref name="key"/>, or null.</summary>
    T? Get(ObjectKey key);

    /// <summary>All cached objects.</summary>
    IReadOnlyList<T> List();

    /// <summary>
    /// <paramref name="projection"/> of every cached object, in no particular order, without copies: the projection
    /// gets the cached instance itself (as views and event handlers do), so it must only read it and must copy what it
    /// keeps that may change. For read paths that need a few fields of every object (metrics computed at scrape time),
    /// where <see cref="List"/> would copy each object whole. The objects are those cached when the call started; the
    /// projection runs outside the store's lock.
    /// </summary>
    IReadOnlyList<TResult> Project<TResult>(Func<T, TResult> projection);

    /// <summary>Cached objects for which the indexer <paramref name="indexName"/> (see <see cref="InformerOptions{T}.Indexers"/>) returned <paramref name="value"/>.</summary>
    /// <exception cref="ArgumentException">No indexer with that name.</exception>
    IReadOnlyList<T> ByIndex(string indexName, string value);

    /// <summary>Keys of the cached objects for which the indexer <paramref name="indexName"/> returned <paramref name="value"/> (no copies).</summary>
    /// <exception cref="ArgumentException">No indexer with that name.</exception>
    IReadOnlyList<ObjectKey> IndexKeys(string indexName, string value);

    /// <summary>
    /// The view <paramref name="viewName"/> (see <see cref="InformerOptions{T}.Views"/>) of the cached object with
    /// <paramref name="key"/>, or null (no such object, or the view is null for it). Not a copy: computed once per
    /// version of the object and shared by every reader, so a view must be immutable (or treated as such).
    /// </summary>
    /// <exception cref="ArgumentException">No view with that name.</exception>
    TView? View<TView>(string viewName, ObjectKey key)
        where TView : class;

    /// <summary>The non-null views <paramref name="viewName"/> of the objects <see cref="IndexKeys"/> finds (shared, not copies).</summary>
    /// <exception cref="ArgumentException">No indexer or no view with that name.</exception>
    IReadOnlyList<TView> ViewsByIndex<TView>(string indexName, string value, string viewName)
        where TView : class;
}
