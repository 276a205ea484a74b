using AppKeys.Operator.Apis;
using k8s;
using k8s.Models;

namespace AppKeys.Operator.Controllers;

/// <summary>
/// What every Secret the operator writes has in common: type Opaque, the managed-by and application labels (the
/// managed-Secret informer selects on the first), and a controller reference to the object it belongs to.
/// </summary>
public static class ManagedSecrets
{
    /// <summary><paramref name="extra"/> plus the operator's own labels (which win).</summary>
    public static Dictionary<string, string> Labels(string applicationName, IReadOnlyDictionary<string, string>? extra = null)
    {
        var labels = extra is null ? new Dictionary<string, string>(StringComparer.Ordinal) : new Dictionary<string, string>(extra, StringComparer.Ordinal);
        labels[AppKeysLabels.ManagedBy] = AppKeysApi.ManagerName;
        labels[AppKeysLabels.Application] = applicationName;
        return labels;
    }

    public static V1Secret Build(
        IKubernetesObject<V1ObjectMeta> owner,
        string name,
        string @namespace,
        IDictionary<string, string> labels,
        IDictionary<string, string>? annotations,
        IDictionary<string, byte[]> data) => new()
        {
            ApiVersion = "v1",
            Kind = "Secret",
            Type = "Opaque",
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = @namespace,
                Labels = labels,
                Annotations = annotations,
                OwnerReferences = [SecretOwnership.ControllerReference(owner)],
            },
            Data = data,
        };
}
