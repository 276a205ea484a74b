using AppKeys.LocalApiServer.Model;

namespace AppKeys.LocalApiServer.Patching;

/// <summary>
/// The merge keys of the built-in kinds an operator meets, transcribed from the k8s.io/api struct tags
/// (core/v1/types.go, apps/v1/types.go, batch/v1/types.go, policy/v1/types.go). Lists not named here are
/// atomic: a strategic merge patch replaces them whole (e.g. <c>tolerations</c>, <c>args</c>, RBAC <c>rules</c>).
/// </summary>
internal static class BuiltInPatchMeta
{
    internal static readonly PatchMeta ObjectMeta = new PatchMeta()
        .MergeList("finalizers", null)
        .MergeList("ownerReferences", "uid");

    private static readonly PatchMeta Container = new PatchMeta()
        .MergeList("ports", "containerPort")
        .MergeList("env", "name")
        .MergeList("volumeMounts", "mountPath")
        .MergeList("volumeDevices", "devicePath");

    private static readonly PatchMeta PodSpec = new PatchMeta()
        .MergeList("volumes", "name", retainKeys: true)
        .MergeList("initContainers", "name", Container)
        .MergeList("containers", "name", Container)
        .MergeList("ephemeralContainers", "name", Container)
        .MergeList("imagePullSecrets", "name")
        .MergeList("hostAliases", "ip")
        .MergeList("topologySpreadConstraints", "topologyKey")
        .MergeList("schedulingGates", "name")
        .MergeList("resourceClaims", "name", retainKeys: true);

    private static readonly PatchMeta PodTemplateSpec = new PatchMeta()
        .Struct("metadata", ObjectMeta)
        .Struct("spec", PodSpec);

    private static readonly PatchMeta ConditionsStatus = new PatchMeta()
        .MergeList("conditions", "type");

    private static readonly PatchMeta Generic = new PatchMeta().Struct("metadata", ObjectMeta);

    private static readonly Dictionary<string, PatchMeta> ByKind = new(StringComparer.Ordinal)
    {
        ["/Pod"] = Root().Struct("spec", PodSpec).Struct("status", new PatchMeta()
            .MergeList("conditions", "type")
            .MergeList("podIPs", "ip")
            .MergeList("hostIPs", "ip")),
        ["/PodTemplate"] = Root().Struct("template", PodTemplateSpec),
        ["/ReplicationController"] = Root().Struct("spec", new PatchMeta().Struct("template", PodTemplateSpec)).Struct("status", ConditionsStatus),
        ["apps/Deployment"] = Root()
            .Struct("spec", new PatchMeta().Struct("template", PodTemplateSpec).RetainKeys("strategy"))
            .Struct("status", ConditionsStatus),
        ["apps/ReplicaSet"] = Root().Struct("spec", new PatchMeta().Struct("template", PodTemplateSpec)).Struct("status", ConditionsStatus),
        ["apps/DaemonSet"] = Root().Struct("spec", new PatchMeta().Struct("template", PodTemplateSpec)).Struct("status", ConditionsStatus),
        ["apps/StatefulSet"] = Root().Struct("spec", new PatchMeta().Struct("template", PodTemplateSpec)).Struct("status", ConditionsStatus),
        ["batch/Job"] = Root().Struct("spec", new PatchMeta().Struct("template", PodTemplateSpec)).Struct("status", ConditionsStatus),
        ["batch/CronJob"] = Root().Struct("spec", new PatchMeta().Struct("jobTemplate", new PatchMeta()
            .Struct("metadata", ObjectMeta)
            .Struct("spec", new PatchMeta().Struct("template", PodTemplateSpec)))),
        ["/Service"] = Root()
            .Struct("spec", new PatchMeta().MergeList("ports", "port"))
            .Struct("status", ConditionsStatus),
        ["/ServiceAccount"] = Root().MergeList("secrets", "name"),
        ["/Namespace"] = Root().Struct("status", ConditionsStatus),
        ["/Node"] = Root().Struct("status", new PatchMeta()
            .MergeList("conditions", "type")
            .MergeList("addresses", "type")),
        ["/PersistentVolumeClaim"] = Root().Struct("status", ConditionsStatus),
        ["policy/PodDisruptionBudget"] = Root().Struct("status", ConditionsStatus),
    };

    private static PatchMeta Root() => new PatchMeta().Struct("metadata", ObjectMeta);

    public static PatchMeta For(ApiResourceInfo resource) =>
        ByKind.TryGetValue($"{resource.Group}/{resource.Kind}", out var meta) ? meta : Generic;
}
