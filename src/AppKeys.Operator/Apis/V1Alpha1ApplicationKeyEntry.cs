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
}
