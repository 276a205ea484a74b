using System.Reflection;
using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Model;
using AppKeys.LocalApiServer.OpenApi;
using AppKeys.LocalApiServer.Registry;

namespace AppKeys.LocalApiServer.Tests.OpenApi;

public class BuiltInSchemasTests
{
    private static IEnumerable<ApiResourceInfo> Served() =>
        typeof(BuiltInResources).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => f.GetValue(null)).OfType<ApiResourceInfo>();

    private static JsonObject Document()
    {
        using var stream = typeof(BuiltInSchemas).Assembly.GetManifestResourceStream(BuiltInSchemas.ResourceName)!;
        return JsonNode.Parse(stream)!.AsObject();
    }

    [Fact]
    public void Every_kind_in_the_document_is_served_and_every_definition_is_used()
    {
        var served = Served().Select(r => BuiltInSchemas.Key(r.Group, r.Kind)).ToHashSet();
        Assert.DoesNotContain(BuiltInSchemas.All.Keys, k => !served.Contains(k));

        var document = Document();
        var text = document["kinds"]!.ToJsonString() + document["definitions"]!.ToJsonString();
        Assert.DoesNotContain(document["definitions"]!.AsObject().Select(d => d.Key),
            name => !text.Contains($"\"#/definitions/{name}\"", StringComparison.Ordinal));
    }

    [Fact]
    public void References_are_resolved_and_a_sibling_description_overrides_the_definitions()
    {
        Assert.DoesNotContain("#/definitions/", string.Concat(BuiltInSchemas.All.Values.Select(v => v.ToJsonString())), StringComparison.Ordinal);

        var deployment = BuiltInSchemas.For(BuiltInResources.Deployments)!;
        var selector = deployment["properties"]!["spec"]!["properties"]!["selector"]!;
        Assert.Equal("Label selector for pods.", (string?)selector["description"]);
        Assert.Equal("object", (string?)selector["properties"]!["matchLabels"]!["type"]);
        var containers = deployment["properties"]!["spec"]!["properties"]!["template"]!["properties"]!["spec"]!["properties"]!["containers"]!;
        Assert.Equal("name", (string?)containers["x-kubernetes-patch-merge-key"]);
        Assert.Equal("merge", (string?)containers["x-kubernetes-patch-strategy"]);
    }

    [Fact]
    public void Each_caller_gets_its_own_copy()
    {
        var first = BuiltInSchemas.For(BuiltInResources.Secrets)!;
        first["properties"]!.AsObject().Remove("data");
        Assert.NotNull(BuiltInSchemas.For(BuiltInResources.Secrets)!["properties"]!["data"]);
    }
}
