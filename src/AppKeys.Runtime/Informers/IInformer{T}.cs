using k8s;
using k8s.Models;

namespace AppKeys.Runtime.Informers;

/// <summary>
/// Keeps an in-memory cache of one kind in sync with the API server (list, then watch from the list's
/// resourceVersion; re-list on 410; reconnect with backoff) and tells handlers about changes.
/// </summary>
/// <typeparam name="T">Object type.</typeparam>
public interface IInformer<T> : IInformer
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    /// <summary>The cache.</summary>
    IObjectStore<T> Store { get; }

    /// <summary>
    /// Adds a handler, called synchronously on the informer's loop for every change (keep it fast: enqueue keys).
    /// Objects already cached are delivered as <see cref="InformerEventType.Added"/> first. Exceptions are logged
    /// and swallowed. Dispose the result to remove the handler.
    /// </summary>
    IDisposable AddHandler(Action<InformerEvent<T>> handler);
}
