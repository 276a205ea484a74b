using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace AppKeys.Operator.Apis;

/// <summary>
/// A Secret the operator wrote for a key, as it left it: the operator's record of which Secrets hold the key's token,
/// kept through renames and conflicts so none is left behind, and deleted only with these preconditions.
/// </summary>
public sealed class V1Alpha1WrittenSecret
{
    [JsonPropertyName("name")]
    [Description("Name of the Secret.")]
    [Required]
    public string Name { get; set; } = "";

    [JsonPropertyName("uid")]
    [Description("UID of the Secret the operator created (a Secret of that name with another UID is not the operator's).")]
    public string? Uid { get; set; }

    [JsonPropertyName("resourceVersion")]
    [Description("resourceVersion after the operator's last write (any other value means someone else changed it since).")]
    public string? ResourceVersion { get; set; }
}
