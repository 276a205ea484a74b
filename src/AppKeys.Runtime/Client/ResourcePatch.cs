namespace AppKeys.Runtime.Client;

/// <summary>
/// A patch body, sent as it is with the media type of its <see cref="Type"/>. The runtime's own type rather than
/// KubernetesClient's <c>ResourcePatch</c>, whose JSON converter serializes by reflection and so breaks the Native AOT build.
/// </summary>
public sealed record ResourcePatch(string Content, ResourcePatchType Type)
{
    /// <summary>The request's Content-Type.</summary>
    public string MediaType => Type switch
    {
        ResourcePatchType.JsonPatch => "application/json-patch+json",
        ResourcePatchType.MergePatch => "application/merge-patch+json",
        ResourcePatchType.StrategicMergePatch => "application/strategic-merge-patch+json",
        ResourcePatchType.ApplyPatch => "application/apply-patch+yaml",
        _ => throw new ArgumentOutOfRangeException(nameof(Type), Type, "Unsupported patch type."),
    };
}

/// <summary>The kinds of PATCH kube-apiserver accepts.</summary>
public enum ResourcePatchType
{
    JsonPatch,
    MergePatch,
    StrategicMergePatch,
    ApplyPatch,
}
