using AppKeys.LocalApiServer.Tables;
using static AppKeys.LocalApiServer.Tests.Support.TestResources;

namespace AppKeys.LocalApiServer.Tests.Tables;

public class KubeJsonPathTests
{
    private const string Doc = """
        {"metadata":{"name":"k","labels":{"app.kubernetes.io/name":"web"},"creationTimestamp":"2026-01-01T00:00:00Z"},
         "spec":{"replicas":3,"enabled":true,"ratio":0.5,"tags":["a","b","c"],"nested":{"x":{"y":1}},"nothing":null},
         "status":{"conditions":[{"type":"Ready","status":"True","n":1},{"type":"Synced","status":"False","n":2}]}}
        """;

    [Theory]
    [InlineData(".metadata.name", "[\"k\"]")]
    [InlineData("{.metadata.name}", "[\"k\"]")]
    [InlineData("$.metadata.name", "[\"k\"]")]
    [InlineData("metadata.name", "[\"k\"]")]
    [InlineData(".metadata.labels['app.kubernetes.io/name']", "[\"web\"]")]
    [InlineData(".metadata.labels[\"app.kubernetes.io/name\"]", "[\"web\"]")]
    [InlineData(".spec.replicas", "[3]")]
    [InlineData(".spec.tags[0]", "[\"a\"]")]
    [InlineData(".spec.tags[-1]", "[\"c\"]")]
    [InlineData(".spec.tags[*]", "[\"a\",\"b\",\"c\"]")]
    [InlineData(".spec.tags[0:2]", "[\"a\",\"b\"]")]
    [InlineData(".spec.tags[0,2]", "[\"a\",\"c\"]")]
    [InlineData(".spec.nested.*.y", "[1]")]
    [InlineData("..y", "[1]")]
    [InlineData(".status.conditions[?(@.type==\"Ready\")].status", "[\"True\"]")]
    [InlineData(".status.conditions[?(@.type=='Synced')].status", "[\"False\"]")]
    [InlineData(".status.conditions[?(@.type!=\"Ready\")].type", "[\"Synced\"]")]
    [InlineData(".status.conditions[?(@.n>1)].type", "[\"Synced\"]")]
    [InlineData(".status.conditions[?(@.type)].n", "[1,2]")]
    [InlineData(".spec.missing", "[]")]
    [InlineData(".spec.tags[7]", "[]")]
    [InlineData(".spec.nothing", "[null]")]
    [InlineData(".status.conditions[?(@.type==\"Gone\")].status", "[]")]
    public void Evaluates(string path, string expected)
    {
        var results = KubeJsonPath.Evaluate(Json(Doc), path);
        AssertJsonEqual(expected, new System.Text.Json.Nodes.JsonArray([.. results.Select(r => r?.DeepClone())]));
    }

    [Theory]
    [InlineData(".spec.tags[")]
    [InlineData(".spec.tags[x]")]
    public void Rejects_malformed_paths(string path)
    {
        Assert.False(KubeJsonPath.IsValid(path));
        Assert.Throws<FormatException>(() => KubeJsonPath.Evaluate(Json(Doc), path));
    }
}
