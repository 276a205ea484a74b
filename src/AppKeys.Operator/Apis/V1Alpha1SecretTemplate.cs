using System.ComponentModel;
using System.Text.Json.Serialization;
using AppKeys.Operator.Apis.Schema;

namespace AppKeys.Operator.Apis;

/// <summary>Metadata copied onto a generated Secret.</summary>
public sealed class V1Alpha1SecretTemplate
{
    [JsonPropertyName("labels")]
    [Description("Labels added to the Secret (at most 64; values as Kubernetes label values: at most 63 characters).")]
    [SchemaRange(Max = 64)]
    [SchemaItems(Pattern = "^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$", MaxLength = 63)]
    public IDictionary<string, string>? Labels { get; set; }

    [JsonPropertyName("annotations")]
    [Description("Annotations added to the Secret (for example for Reloader); at most 64.")]
    [SchemaRange(Max = 64)]
    public IDictionary<string, string>? Annotations { get; set; }
}
