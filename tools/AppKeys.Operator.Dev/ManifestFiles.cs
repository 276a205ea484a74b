using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Objects;

namespace AppKeys.Operator.Dev;

/// <summary>
/// Reads manifest files as JSON objects. <see cref="YamlToJson"/> resolves scalars as kubectl does, so
/// <c>default: 3600</c> stays a number and <c>"0644"</c> a string.
/// </summary>
public static class ManifestFiles
{
    /// <summary>Every document of a YAML stream, as JSON objects (empty documents skipped).</summary>
    public static IReadOnlyList<JsonObject> ReadDocuments(string yaml) => [.. YamlToJson.ConvertAll(yaml).OfType<JsonObject>()];

    /// <summary>Every document of every <c>*.yaml</c> file in <paramref name="directory"/> but its kustomization, in file-name order.</summary>
    public static IReadOnlyList<JsonObject> ReadDirectory(string directory) =>
        [.. Directory.GetFiles(directory, "*.yaml")
            .Where(f => !Path.GetFileName(f).StartsWith("kustomization", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .SelectMany(f => ReadDocuments(File.ReadAllText(f)))];

    /// <summary>The objects a kustomization lists, in its order (its <c>resources</c> files; nested kustomizations are not followed).</summary>
    public static IReadOnlyList<JsonObject> ReadKustomization(string directory)
    {
        var kustomization = ReadDocuments(File.ReadAllText(Path.Combine(directory, "kustomization.yaml"))).Single();
        return [.. (kustomization["resources"] as JsonArray ?? [])
            .Select(r => (string)r!)
            .SelectMany(f => ReadDocuments(File.ReadAllText(Path.Combine(directory, f))))];
    }
}
