using System.ComponentModel;
using System.Text.Json.Serialization;
using AppKeys.Operator.Apis.Schema;
using AppKeys.Runtime.Status;
using k8s.Models;

namespace AppKeys.Operator.Apis;

/// <summary>Observed state of an <see cref="V1Alpha1Application"/>. Never holds secret material.</summary>
public sealed class V1Alpha1ApplicationStatus : IConditionedStatus
{
    [JsonPropertyName("conditions")]
    [Description("Conditions of the application; 'Ready' is True when every enabled key type has credentials.")]
    [SchemaListType("map", MapKeys = ["type"])]
    public IList<V1Condition>? Conditions { get; set; }

    [JsonPropertyName("observedGeneration")]
    [Description("The metadata.generation this status reflects.")]
    public long? ObservedGeneration { get; set; }

    [JsonPropertyName("applicationId")]
    [Description("Stable UUID of the application, carried into the JWT 'application.uuid' claim.")]
    public string? ApplicationId { get; set; }

    [JsonPropertyName("keys")]
    [Description("The public consumer key of each enabled key type (never the consumer secret).")]
    [SchemaListType("map", MapKeys = ["keyType"])]
    public IList<V1Alpha1ApplicationKeyEntry>? Keys { get; set; }

    [JsonPropertyName("secretName")]
    [Description("Name of the Secret that holds the consumer keys and secrets.")]
    public string? SecretName { get; set; }

    [JsonPropertyName("secrets")]
    [Description("The credentials Secret as the operator last wrote it (uid, resourceVersion): a different version was changed by someone else.")]
    [SchemaListType("map", MapKeys = ["name"])]
    public IList<V1Alpha1WrittenSecret>? Secrets { get; set; }

    [JsonPropertyName("observedRegenerateRequest")]
    [Description("SHA-256 digest of the last honoured appkeys.io/regenerate-secret annotation value.")]
    public string? ObservedRegenerateRequest { get; set; }

    [JsonPropertyName("rolloutRestarts")]
    [Description("One entry per spec.rolloutRestartTargets item: the Secret content it is up to date with, when the operator last restarted it and the result of the last attempt.")]
    [SchemaListType("map", MapKeys = ["kind", "name"])]
    public IList<V1Alpha1RolloutRestartStatus>? RolloutRestarts { get; set; }
}
