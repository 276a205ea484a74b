using System.Text.Json.Nodes;

namespace AppKeys.E2E.Tests.Support;

/// <summary>Helpers to pick objects out of rendered Kubernetes manifests.</summary>
internal static class Manifests
{
    public static async Task<List<JsonObject>> KustomizeAsync(string directory)
    {
        using var kubectl = new Kubectl();
        var result = (await kubectl.RunAsync("kustomize", RepositoryRoot.Combine(directory))).EnsureSuccess();
        return Yaml.LoadObjects(result.StdOut);
    }

    public static string? Kind(this JsonNode node) => (string?)node["kind"];

    public static string? Name(this JsonNode node) => (string?)node["metadata"]?["name"];

    public static string? Namespace(this JsonNode node) => (string?)node["metadata"]?["namespace"];

    public static JsonObject Single(this IEnumerable<JsonObject> objects, string kind, string name) =>
        objects.SingleOrDefault(o => o.Kind() == kind && o.Name() == name)
        ?? throw new InvalidOperationException($"no {kind} {name} among {string.Join(", ", objects.Select(o => $"{o.Kind()}/{o.Name()}"))}");

    public static IEnumerable<string> Strings(this JsonNode? array) =>
        array?.AsArray().Select(n => (string)n!) ?? [];
}
