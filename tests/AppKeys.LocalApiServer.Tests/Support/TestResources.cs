using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Model;

namespace AppKeys.LocalApiServer.Tests.Support;

internal static class TestResources
{
    public static ApiResourceInfo BuiltIn(string group, string version, string kind, bool namespaced = true) => new()
    {
        Group = group,
        Version = version,
        Kind = kind,
        ListKind = kind + "List",
        Plural = kind.ToLowerInvariant() + "s",
        Singular = kind.ToLowerInvariant(),
        Namespaced = namespaced,
    };

    public static ApiResourceInfo Pod => BuiltIn("", "v1", "Pod");

    public static ApiResourceInfo Deployment => BuiltIn("apps", "v1", "Deployment");

    public static ApiResourceInfo ApplicationKey(JsonObject? schema = null) => new()
    {
        Group = "appkeys.io",
        Version = "v1alpha1",
        Kind = "ApplicationKey",
        ListKind = "ApplicationKeyList",
        Plural = "applicationkeys",
        Singular = "applicationkey",
        Namespaced = true,
        ShortNames = ["ak"],
        Categories = ["all"],
        HasStatusSubresource = true,
        IsCustom = true,
        Schema = schema,
    };

    public static JsonNode Json(string text) => JsonNode.Parse(text)!;

    public static void AssertJsonEqual(string expected, JsonNode? actual)
    {
        var e = JsonNode.Parse(expected);
        Assert.True(JsonNode.DeepEquals(e, actual), $"expected {e?.ToJsonString()}\n  actual {actual?.ToJsonString()}");
    }
}
