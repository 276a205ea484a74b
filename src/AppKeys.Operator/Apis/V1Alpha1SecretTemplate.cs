using System.ComponentModel;
using System.Text.Json.Serialization;

namespace AppKeys.Operator.Apis;

/// <summary>Metadata copied onto a generated Secret.</summary>
public sealed class V1Alpha1SecretTemplate
{
    [JsonPropertyName("labels")]
    [Description("Labels added to the Secret.")]
    public IDictionary<string, string>? Labels { get; set; }

    [JsonPropertyName("annotations")]
    [Description("Annotations added to the Secret (for example for Reloader).")]
    public IDictionary<string, string>? Annotations { get; set; }
}
