using System.ComponentModel;
using System.Text.Json.Serialization;
using AppKeys.Operator.Apis.Schema;
using AppKeys.Runtime.Client;
using k8s;
using k8s.Models;

namespace AppKeys.Operator.Apis;

/// <summary>An access token for one key type of an application, kept fresh in a Secret.</summary>
[KubernetesJsonContext(typeof(AppKeysJsonContext))]
[KubernetesEntity(Group = AppKeysApi.Group, ApiVersion = AppKeysApi.Version, Kind = AppKeysApi.ApplicationKeyKind, PluralName = AppKeysApi.ApplicationKeyPlural)]
[ResourceNames(ShortNames = ["appkey", "akey"], Categories = [AppKeysApi.Category])]
[Description("ApplicationKey issues an access token (JWT or opaque) against the consumer key of one key type of an Application, writes it with the consumer credentials to the Secret named by spec.secretName, and renews it before it expires.")]
[PrinterColumn(0, "Ready", "string", ".status.conditions[?(@.type==\"Ready\")].status", Description = "Whether a valid token is in the Secret")]
[PrinterColumn(1, "Application", "string", ".spec.applicationRef.name", Description = "The Application the key belongs to")]
[PrinterColumn(2, "Key Type", "string", ".spec.keyType", Description = "Production or Sandbox")]
[PrinterColumn(3, "Token Type", "string", ".status.tokenType", Description = "JWT or Opaque")]
// Future instants are "string" columns: kube renders a "date" column as an age, which is "<invalid>" for the future.
[PrinterColumn(4, "Expires", "string", ".status.expiresAt", Description = "When the current token expires, RFC 3339 (empty: never)")]
[PrinterColumn(5, "Secret", "string", ".status.secretName", Description = "Secret holding the token")]
[PrinterColumn(6, "Age", "date", ".metadata.creationTimestamp")]
[PrinterColumn(7, "Scopes", "string", ".status.scopes", Priority = 1, Description = "Granted scopes")]
[PrinterColumn(8, "Renewal", "string", ".status.renewalTime", Priority = 1, Description = "When the token will be renewed, RFC 3339")]
[PrinterColumn(9, "Reason", "string", ".status.conditions[?(@.type==\"Ready\")].reason", Priority = 1, Description = "Reason of the Ready condition")]
public sealed class V1Alpha1ApplicationKey : IKubernetesObject<V1ObjectMeta>, ISpec<V1Alpha1ApplicationKeySpec>, IStatus<V1Alpha1ApplicationKeyStatus>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = AppKeysApi.ApiVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = AppKeysApi.ApplicationKeyKind;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    [Description("Desired state of the key.")]
    public V1Alpha1ApplicationKeySpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    [Description("Observed state of the key, written by the operator. Never holds secret material.")]
    public V1Alpha1ApplicationKeyStatus Status { get; set; } = new();
}
