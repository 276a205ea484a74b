using k8s;
using k8s.Models;

namespace AppKeys.Operator.Controllers;

/// <summary>Ownership checks: the operator only ever changes Secrets whose controller reference is the resource itself.</summary>
public static class SecretOwnership
{
    public static bool IsControlledBy(V1ObjectMeta? secretMetadata, IKubernetesObject<V1ObjectMeta> owner) =>
        secretMetadata?.OwnerReferences?.Any(r =>
            r.Controller == true
            && r.Uid == owner.Metadata.Uid
            && r.Kind == owner.Kind
            && r.ApiVersion == owner.ApiVersion) == true;

    /// <summary>The controller owner reference to put on a Secret: deleting the owner deletes the Secret.</summary>
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
