using System.Text.Json.Nodes;
using k8s;
using YamlDotNet.Serialization;

namespace AppKeys.Manifests;

/// <summary>
/// Objects as YAML manifests. They are serialized with <see cref="KubernetesJson"/> first so the YAML has exactly
/// the API's JSON shape (reading manifests back is the dev tool's <c>ManifestFiles</c>).
/// </summary>
public static class YamlManifests
{
    /// <summary>YAML that kubectl reads back unchanged: strings it would take for YAML 1.1 bools or numbers (yes, on, 0644) are quoted.</summary>
    public static string ToYaml(object kubernetesObject)
    {
        var node = JsonNode.Parse(KubernetesJson.Serialize(kubernetesObject));
        var serializer = new SerializerBuilder().WithQuotingNecessaryStrings(quoteYaml1_1Strings: true).Build();
        return serializer.Serialize(ToPlain(node));
    }

    private static object? ToPlain(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(p => p.Key, p => ToPlain(p.Value)),
        JsonArray a => a.Select(ToPlain).ToList(),
        JsonValue v when v.TryGetValue<long>(out var l) => l,
        JsonValue v when v.TryGetValue<double>(out var d) => d,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v => v.GetValue<string>(),
        _ => throw new NotSupportedException(node.GetType().Name),
    };
}
