using System.Collections.Concurrent;
using AppKeys.Runtime.Client;
using k8s;
using k8s.Models;

namespace AppKeys.Operator.Controllers;

/// <summary>
/// The status the operator last wrote, per object, until its cache has caught up (the "expectations" of the
/// Kubernetes ReplicaSet controller). Status is the operator's record: deciding from a cached object older than the
/// operator's own last status write would take the Secret it just wrote for someone else's and repair it again. While
/// the cache lags, the object is read live.
/// </summary>
public sealed class RecentWrites
{
    private readonly ConcurrentDictionary<string, (string Uid, string ResourceVersion)> written = new(StringComparer.Ordinal);

    /// <summary>Remembers the version a status write returned.</summary>
    public void Wrote(IKubernetesObject<V1ObjectMeta> obj) =>
        written[Key(obj)] = (obj.Metadata.Uid, obj.Metadata.ResourceVersion);

    /// <summary>Forgets an object (deleted).</summary>
    public void Forget(string kind, string? @namespace, string name) => written.TryRemove($"{kind}/{@namespace}/{name}", out _);

    /// <summary><paramref name="cached"/>, or the live object when the cache has not seen the operator's last status write yet.</summary>
    public async Task<T> LatestAsync<T>(T cached, IResourceClient<T> client, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var key = Key(cached);
        if (!written.TryGetValue(key, out var last) || last.Uid != cached.Metadata.Uid || last.ResourceVersion == cached.Metadata.ResourceVersion)
        {
            written.TryRemove(key, out _);
            return cached;
        }

        var live = await LiveReads.OneAsync(client, cached.Metadata.Name, cached.Metadata.NamespaceProperty, cancellationToken);
        if (live is null || live.Metadata.Uid != cached.Metadata.Uid)
        {
            written.TryRemove(key, out _);
            return cached;
        }

        if (live.Metadata.ResourceVersion != last.ResourceVersion)
        {
            // Changed again after the operator's write: the live object already includes it.
            written.TryRemove(key, out _);
        }

        return live;
    }

    private static string Key(IKubernetesObject<V1ObjectMeta> obj) => $"{obj.Kind}/{obj.Metadata.NamespaceProperty}/{obj.Metadata.Name}";
}
