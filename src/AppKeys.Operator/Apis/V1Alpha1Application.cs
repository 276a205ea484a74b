using System.ComponentModel;
using System.Text.Json.Serialization;
using AppKeys.Operator.Apis.Schema;
using AppKeys.Runtime.Client;
using k8s;
using k8s.Models;

namespace AppKeys.Operator.Apis;

/// <summary>An API application: one consumer key / consumer secret pair per enabled key type.</summary>
[KubernetesJsonContext(typeof(AppKeysJsonContext))]
[KubernetesEntity(Group = AppKeysApi.Group, ApiVersion = AppKeysApi.Version, Kind = AppKeysApi.ApplicationKind, PluralName = AppKeysApi.ApplicationPlural)]
[ResourceNames(ShortNames = ["akapp", "akapps"], Categories = [AppKeysApi.Category])]
[Description("Application is an API client application. The operator generates one consumer key and consumer secret per enabled key type and keeps them in the Secret named by spec.secretName.")]
[PrinterColumn(0, "Ready", "string", ".status.conditions[?(@.type==\"Ready\")].status", Description = "Whether the credentials are ready")]
[PrinterColumn(1, "Token Type", "string", ".spec.tokenType", Description = "JWT or Opaque")]
[PrinterColumn(2, "Key Types", "string", ".spec.keyTypes", Description = "Enabled key types")]
[PrinterColumn(3, "Secret", "string", ".status.secretName", Description = "Secret holding the consumer keys and secrets")]
[PrinterColumn(4, "Age", "date", ".metadata.creationTimestamp")]
[PrinterColumn(5, "Application ID", "string", ".status.applicationId", Priority = 1, Description = "The application's UUID")]
[PrinterColumn(6, "Throttling", "string", ".spec.throttlingPolicy", Priority = 1, Description = "Throttling policy (tier)")]
[PrinterColumn(7, "Reason", "string", ".status.conditions[?(@.type==\"Ready\")].reason", Priority = 1, Description = "Reason of the Ready condition")]
public sealed class V1Alpha1Application : IKubernetesObject<V1ObjectMeta>, ISpec<V1Alpha1ApplicationSpec>, IStatus<V1Alpha1ApplicationStatus>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = AppKeysApi.ApiVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = AppKeysApi.ApplicationKind;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    [Description("Desired state of the application.")]
    public V1Alpha1ApplicationSpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    [Description("Observed state of the application, written by the operator.")]
    public V1Alpha1ApplicationStatus Status { get; set; } = new();
}
