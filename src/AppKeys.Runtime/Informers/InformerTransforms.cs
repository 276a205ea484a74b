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

    /// <summary>
    /// <see cref="StripManagedFields{T}"/>, and the recurring strings of the object's envelope and metadata (API version,
    /// kind, namespace, label and annotation keys and values, owner kinds, finalizers) replaced by
    /// <see cref="StringPool.Shared"/>'s instances, so that a cache of many similar objects keeps one copy of each. Names,
    /// uids and resource versions are unique per object and left alone.
    /// </summary>
    public static T Compact<T>(T obj)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        StripManagedFields(obj);
        var pool = StringPool.Shared;
        obj.ApiVersion = pool.Get(obj.ApiVersion)!;
        obj.Kind = pool.Get(obj.Kind)!;
        if (obj.Metadata is { } metadata)
        {
            metadata.NamespaceProperty = pool.Get(metadata.NamespaceProperty);
            metadata.Labels = pool.Dictionary(metadata.Labels);
            metadata.Annotations = pool.Dictionary(metadata.Annotations);
            metadata.Finalizers = pool.List(metadata.Finalizers);
            foreach (var owner in metadata.OwnerReferences ?? [])
            {
                owner.ApiVersion = pool.Get(owner.ApiVersion)!;
                owner.Kind = pool.Get(owner.Kind)!;
            }
        }

        return obj;
    }
}
