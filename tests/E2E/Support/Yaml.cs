using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Objects;

namespace AppKeys.E2E.Tests.Support;

/// <summary>
/// Reads YAML (one or many documents) into JSON nodes with <see cref="YamlToJson"/>, which types scalars as kubectl
/// and Helm do (sigs.k8s.io/yaml), so JSON-schema checks see the types a cluster would.
/// </summary>
internal static class Yaml
{
    public static List<JsonNode?> LoadAll(string yaml) => YamlToJson.ConvertAll(yaml);

    public static JsonNode? Load(string yaml) => LoadAll(yaml).Single();

    public static List<JsonObject> LoadObjects(string yaml) =>
        LoadAll(yaml).OfType<JsonObject>().ToList();
}
