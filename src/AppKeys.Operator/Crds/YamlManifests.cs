using System.Globalization;
using System.Text.Json.Nodes;
using k8s;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;

namespace AppKeys.Operator.Crds;

/// <summary>
/// YAML ⇄ JSON for manifests. Objects are serialized with <see cref="KubernetesJson"/> first so the YAML has exactly
/// the API's JSON shape; reading resolves plain scalars by the YAML 1.2 core schema so <c>default: 3600</c> stays a number.
/// </summary>
public static class YamlManifests
{
    public static string ToYaml(object kubernetesObject)
    {
        var node = JsonNode.Parse(KubernetesJson.Serialize(kubernetesObject));
        var serializer = new SerializerBuilder().WithQuotingNecessaryStrings().Build();
        return serializer.Serialize(ToPlain(node));
    }

    /// <summary>Every document of a YAML stream, as JSON objects (empty documents skipped).</summary>
    public static IReadOnlyList<JsonObject> ReadDocuments(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return [.. stream.Documents.Select(d => ToJson(d.RootNode)).OfType<JsonObject>()];
    }

    public static T Deserialize<T>(JsonObject document) => KubernetesJson.Deserialize<T>(document.ToJsonString());

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

    private static JsonNode? ToJson(YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (var (key, value) in map.Children)
                {
                    obj[((YamlScalarNode)key).Value!] = ToJson(value);
                }

                return obj;
            case YamlSequenceNode seq:
                return new JsonArray([.. seq.Children.Select(ToJson)]);
            case YamlScalarNode scalar:
                return ToJsonScalar(scalar);
            default:
                return null;
        }
    }

    private static JsonValue? ToJsonScalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
        {
            return JsonValue.Create(text);
        }

        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            return JsonValue.Create(l);
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && text.Any(char.IsDigit))
        {
            return JsonValue.Create(d);
        }

        return JsonValue.Create(text);
    }
}
