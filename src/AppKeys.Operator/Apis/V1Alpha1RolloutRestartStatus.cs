using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace AppKeys.Operator.Apis;

/// <summary>
/// The operator's record of one rollout restart target: which content of the Secret it was last brought up to date
/// with, when it was last restarted and how the last attempt went. Never secret material: the content is identified
/// by the token id (keys) or a digest of the recorded consumer-secret digests (Applications).
/// </summary>
public sealed class V1Alpha1RolloutRestartStatus
{
    [JsonPropertyName("kind")]
    [Description("Kind of the workload.")]
    [Required]
    public string Kind { get; set; } = "";

    [JsonPropertyName("name")]
    [Description("Name of the workload.")]
    [Required]
    public string Name { get; set; } = "";

    [JsonPropertyName("observedContent")]
    [Description("Identifier of the Secret content the target is up to date with (a token id, or a digest for an Application; empty: the Secret held nothing). A different identifier restarts the target.")]
    public string? ObservedContent { get; set; }

    [JsonPropertyName("lastRestartTime")]
    [Description("When the operator last restarted the target.")]
    public DateTime? LastRestartTime { get; set; }

    [JsonPropertyName("result")]
    [Description("Result of the last look at the target: Restarted, Observed (first seen: nothing to restart), Pending (rate-limited), NotFound, NotConsuming, Forbidden or Failed.")]
    public string? Result { get; set; }

    [JsonPropertyName("message")]
    [Description("What happened, in words.")]
    public string? Message { get; set; }
}
