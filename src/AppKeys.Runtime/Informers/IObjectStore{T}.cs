namespace AppKeys.Runtime.Informers;

/// <summary>
/// Read access to an informer's in-memory cache. Returned objects are shared: never mutate them (clone with
/// <see cref="KubernetesObjects.Clone{T}"/> first).
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

    /// <summary>Cached objects in <paramref name="namespace"/>.</summary>
    IReadOnlyList<T> ByNamespace(string @namespace);

    /// <summary>Cached objects that have an ownerReference with <paramref name="ownerUid"/>.</summary>
    IReadOnlyList<T> ByOwnerUid(string ownerUid);

    /// <summary>Cached objects for which the indexer <paramref name="indexName"/> (see <see cref="InformerOptions{T}.Indexers"/>) returned <paramref name="value"/>.</summary>
    /// <exception cref="ArgumentException">No indexer with that name.</exception>
    IReadOnlyList<T> ByIndex(string indexName, string value);
}
