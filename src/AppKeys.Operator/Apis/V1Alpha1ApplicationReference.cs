using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using AppKeys.Operator.Apis.Schema;

namespace AppKeys.Operator.Apis;

/// <summary>A reference to an Application in the same namespace.</summary>
public sealed class V1Alpha1ApplicationReference
{
    [JsonPropertyName("name")]
    [Description("Name of the Application.")]
    [Required]
    [SchemaPattern(AppKeysApi.DnsSubdomainPattern)]
    [SchemaRange(Min = 1, Max = 253)]
    public string Name { get; set; } = "";
}
