using AppKeys.Runtime.Client;

namespace AppKeys.Operator.Controllers;

/// <summary>Status writes happen only when something changed (compared in the API's JSON shape).</summary>
public static class StatusComparer
{
    public static bool Same<T>(T? a, T? b) =>
        (a is null && b is null) || (a is not null && b is not null && KubernetesSerializer.Serialize(a) == KubernetesSerializer.Serialize(b));
}
