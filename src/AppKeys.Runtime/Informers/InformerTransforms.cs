using k8s;
using k8s.Models;

namespace AppKeys.Runtime.Informers;

/// <summary>Ready-made <see cref="InformerOptions{T}.Transform"/> functions.</summary>
public static class InformerTransforms
{
    /// <summary>
    /// Drops <c>metadata.managedFields</c> (controller-runtime's <c>TransformStripManagedFields</c>): reconcilers never
    /// read it, and it is often the largest part of a small object. A later update without it leaves the server's
    /// managedFields as they are.
    /// </summary>
    public static T StripManagedFields<T>(T obj)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(obj);
        if (obj.Metadata is { } metadata)
        {
            metadata.ManagedFields = null;
        }

        return obj;
    }
}
