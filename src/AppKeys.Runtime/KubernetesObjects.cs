using AppKeys.Runtime.Client;
using k8s;
using k8s.Models;

namespace AppKeys.Runtime;

/// <summary>Small helpers for Kubernetes objects.</summary>
public static class KubernetesObjects
{
    /// <summary>A deep copy (JSON round trip with <see cref="KubernetesSerializer"/>), safe to mutate.</summary>
    public static T Clone<T>(T obj)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(obj);
        return KubernetesSerializer.Clone(obj);
    }

    /// <summary>The controller ownerReference of <paramref name="obj"/> (<c>controller: true</c>), if any.</summary>
    public static V1OwnerReference? ControllerOwner(IKubernetesObject<V1ObjectMeta> obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return obj.Metadata?.OwnerReferences?.FirstOrDefault(r => r.Controller == true);
    }

}
