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
}
