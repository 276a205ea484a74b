using AppKeys.Operator.Apis;
using AppKeys.Runtime;
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
                OwnerReferences = [Ownership.ControllerReference(owner)],
            },
            Data = data,
        };

    /// <summary>
    /// Labels or annotations others put on a Secret (everything not reserved for the operator): they survive our
    /// writes, while the operator's own are always rewritten from its record.
    /// </summary>
    public static Dictionary<string, string> Foreign(IDictionary<string, string>? existing) =>
        (existing ?? new Dictionary<string, string>()).Where(e => !AppKeysLabels.IsReserved(e.Key)).ToDictionary(StringComparer.Ordinal);

    /// <summary>
    /// True when <paramref name="existing"/> already is <paramref name="desired"/>: same data (constant time), labels,
    /// annotations and controller reference. Only then is nothing written.
    /// </summary>
    public static bool UpToDate(V1Secret existing, V1Secret desired) =>
        SecretDiff.SameData(existing.Data, desired.Data)
        && SecretDiff.SameMap(existing.Metadata.Labels, desired.Metadata.Labels)
        && SecretDiff.SameMap(existing.Metadata.Annotations, desired.Metadata.Annotations)
        && KubernetesObjects.ControllerOwner(existing) is { } owner
        && KubernetesObjects.ControllerOwner(desired) is { } wanted
        && owner.Uid == wanted.Uid && owner.Kind == wanted.Kind && owner.ApiVersion == wanted.ApiVersion;
}
