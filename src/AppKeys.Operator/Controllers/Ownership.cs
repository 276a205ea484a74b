using AppKeys.Runtime;
using k8s;
using k8s.Models;

namespace AppKeys.Operator.Controllers;

/// <summary>The operator only ever changes Secrets whose controller reference is the resource itself.</summary>
public static class Ownership
{
    public static bool IsControlledBy(V1Secret secret, IKubernetesObject<V1ObjectMeta> owner) =>
        KubernetesObjects.ControllerOwner(secret) is { } r
        && r.Uid == owner.Metadata.Uid
        && r.Kind == owner.Kind
        && r.ApiVersion == owner.ApiVersion;

    /// <summary>The controller owner reference the operator puts on a Secret: deleting the owner deletes the Secret.</summary>
    public static V1OwnerReference ControllerReference(IKubernetesObject<V1ObjectMeta> owner) => new()
    {
        ApiVersion = owner.ApiVersion,
        Kind = owner.Kind,
        Name = owner.Metadata.Name,
        Uid = owner.Metadata.Uid,
        Controller = true,
        BlockOwnerDeletion = true,
    };
}
