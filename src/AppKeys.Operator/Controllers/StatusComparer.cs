using k8s;

namespace AppKeys.Operator.Controllers;

/// <summary>Status writes happen only when something changed (compared in the API's JSON shape).</summary>
public static class StatusComparer
{
    public static bool Same(object? a, object? b) => KubernetesJson.Serialize(a) == KubernetesJson.Serialize(b);
}
