using k8s;
using k8s.Models;

namespace AppKeys.Runtime.Client;

/// <summary>
/// Typed access to one kind (built-in or custom resource) described by its <c>[KubernetesEntity]</c> attribute.
/// For cluster-scoped kinds pass a null namespace. Failures throw <see cref="KubernetesApiException"/>.
/// </summary>
/// <typeparam name="T">The object type.</typeparam>
public interface IResourceClient<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    /// <summary>Where the kind lives in the API.</summary>
    ResourceInfo Resource { get; }

    /// <summary>Reads one object; null when it does not exist (404).</summary>
    Task<T?> GetAsync(string name, string? @namespace, CancellationToken cancellationToken = default);

    /// <summary>Lists one page (or everything when <see cref="ListOptions.Limit"/> is null) in a namespace or, null, all namespaces.</summary>
    Task<ResourceList<T>> ListAsync(string? @namespace, ListOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Creates the object in its <c>metadata.namespace</c>; apiVersion and kind are filled in when missing.</summary>
    Task<T> CreateAsync(T obj, CancellationToken cancellationToken = default);

    /// <summary>Replaces (PUT) the object; a stale <c>metadata.resourceVersion</c> gives 409 (see <see cref="KubernetesApiException.IsConflict"/>).</summary>
    Task<T> ReplaceAsync(T obj, CancellationToken cancellationToken = default);

    /// <summary>Patches the object (merge, JSON or strategic merge patch).</summary>
    Task<T> PatchAsync(string name, string? @namespace, ResourcePatch patch, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes the object. Returns false when it did not exist. With finalizers present the server only marks it
    /// terminating; the call still returns true.
    /// </summary>
    Task<bool> DeleteAsync(string name, string? @namespace, V1DeleteOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Watches changes after <see cref="ListOptions.ResourceVersion"/> (bookmarks on), ending when the server ends the
    /// stream (after <paramref name="timeoutSeconds"/>). An in-stream ERROR event is thrown as
    /// <see cref="KubernetesApiException"/> with the Status code (410 when the resourceVersion is too old).
    /// Each call opens one HTTP response, disposed when the enumeration ends.
    /// </summary>
    IAsyncEnumerable<ResourceWatchEvent<T>> WatchAsync(string? @namespace, ListOptions options, int timeoutSeconds, CancellationToken cancellationToken = default);

    /// <summary>Replaces the object's status through the <c>/status</c> subresource.</summary>
    Task<T> ReplaceStatusAsync(T obj, CancellationToken cancellationToken = default);

    /// <summary>Patches the object's status through the <c>/status</c> subresource.</summary>
    Task<T> PatchStatusAsync(string name, string? @namespace, ResourcePatch patch, CancellationToken cancellationToken = default);
}
