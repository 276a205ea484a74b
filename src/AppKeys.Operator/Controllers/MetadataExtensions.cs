using k8s.Models;

namespace AppKeys.Operator.Controllers;

/// <summary>Null-safe reads of object metadata.</summary>
public static class MetadataExtensions
{
    public static string? Annotation(this V1ObjectMeta? metadata, string name) =>
        metadata?.Annotations?.TryGetValue(name, out var value) == true ? value : null;
}
