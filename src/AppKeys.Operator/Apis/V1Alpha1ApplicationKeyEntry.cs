using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace AppKeys.Operator.Apis;

/// <summary>The public identifier of one key type of an application.</summary>
public sealed class V1Alpha1ApplicationKeyEntry
{
    [JsonPropertyName("keyType")]
    [Description("Production or Sandbox.")]
    [Required]
    public string KeyType { get; set; } = "";

    [JsonPropertyName("consumerKey")]
    [Description("The consumer key (client id): the application's public identifier for this key type.")]
    public string? ConsumerKey { get; set; }

    [JsonPropertyName("secretCreatedAt")]
    [Description("When the current consumer secret was generated; recorded only when spec.secretRotation is set.")]
    public DateTime? SecretCreatedAt { get; set; }

    [JsonPropertyName("previousSecretExpiresAt")]
    [Description("During a grace period: when the previous consumer secret stops being valid and is removed from the Secrets.")]
    public DateTime? PreviousSecretExpiresAt { get; set; }
}
