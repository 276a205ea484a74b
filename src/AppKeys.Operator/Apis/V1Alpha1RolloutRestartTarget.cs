using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using AppKeys.Operator.Apis.Schema;

namespace AppKeys.Operator.Apis;

/// <summary>
/// A workload in the resource's own namespace to restart (as <c>kubectl rollout restart</c>) when the content of the
/// resource's Secret changes. There is deliberately no namespace field: a target never reaches across namespaces.
/// </summary>
public sealed class V1Alpha1RolloutRestartTarget
{
    /// <summary>Most targets one resource may name (each restart is a GET and a PATCH).</summary>
    public const int MaxTargets = 16;

    [JsonPropertyName("kind")]
    [Description("Kind of the workload, in group apps: Deployment, StatefulSet or DaemonSet.")]
    [Required]
    [SchemaEnum(WorkloadKinds.Deployment, WorkloadKinds.StatefulSet, WorkloadKinds.DaemonSet)]
    public string Kind { get; set; } = "";

    [JsonPropertyName("name")]
    [Description("Name of the workload, in the resource's own namespace. Only a workload whose pod template uses the resource's Secret (volume, projected volume, env or envFrom) is restarted.")]
    [Required]
    [SchemaPattern(AppKeysApi.DnsSubdomainPattern)]
    [SchemaRange(Max = 253)]
    public string Name { get; set; } = "";
}
