using AppKeys.Runtime.Client;
using k8s;
using k8s.Models;

namespace AppKeys.Runtime.Finalizers;

/// <summary>
/// Finalizer helper. Add the finalizer before the side effect it guards; remove it only after cleanup succeeded.
/// Writes are merge patches of <c>metadata.finalizers</c> with the object's resourceVersion as precondition, so a
/// concurrent change gives 409 (requeue) instead of losing someone else's finalizer.
/// </summary>
public static class FinalizerHelper
{
    /// <summary>True when <paramref name="obj"/> carries <paramref name="finalizer"/>.</summary>
    public static bool Has(IKubernetesObject<V1ObjectMeta> obj, string finalizer)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return obj.Metadata?.Finalizers?.Contains(finalizer) == true;
    }

    /// <summary>True when <paramref name="obj"/> is being deleted (has a deletionTimestamp).</summary>
    public static bool IsDeleting(IKubernetesObject<V1ObjectMeta> obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return obj.Metadata?.DeletionTimestamp is not null;
    }

    /// <summary>Adds <paramref name="finalizer"/> if missing; returns the updated object (or <paramref name="obj"/> unchanged).</summary>
    public static Task<T> AddAsync<T>(IResourceClient<T> client, T obj, string finalizer, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(obj);
        if (Has(obj, finalizer))
        {
            return Task.FromResult(obj);
        }

        return WriteAsync(client, obj, [.. obj.Metadata.Finalizers ?? [], finalizer], cancellationToken);
    }

    /// <summary>Removes <paramref name="finalizer"/> if present; returns the updated object (or <paramref name="obj"/> unchanged).</summary>
    public static Task<T> RemoveAsync<T>(IResourceClient<T> client, T obj, string finalizer, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(obj);
        if (!Has(obj, finalizer))
        {
            return Task.FromResult(obj);
        }

        return WriteAsync(client, obj, [.. obj.Metadata.Finalizers!.Where(f => f != finalizer)], cancellationToken);
    }

    private static Task<T> WriteAsync<T>(IResourceClient<T> client, T obj, List<string> finalizers, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(client);
        var patch = new Dictionary<string, object?>
        {
            ["metadata"] = new Dictionary<string, object?>
            {
                ["finalizers"] = finalizers,
                ["resourceVersion"] = obj.Metadata.ResourceVersion,
            },
        };
        return client.PatchAsync(obj.Metadata.Name, obj.Metadata.NamespaceProperty, new V1Patch(KubernetesJson.Serialize(patch), V1Patch.PatchType.MergePatch), cancellationToken);
    }
}
