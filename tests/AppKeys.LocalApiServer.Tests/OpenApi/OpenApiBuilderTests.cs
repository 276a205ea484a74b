using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Model;
using AppKeys.LocalApiServer.OpenApi;
using static AppKeys.LocalApiServer.Tests.Support.TestResources;

namespace AppKeys.LocalApiServer.Tests.OpenApi;

public class OpenApiBuilderTests
{
    private static ApiResourceInfo Key => ApplicationKey(Json("""
        {"type":"object","properties":{"metadata":{"type":"object"},
         "spec":{"type":"object","description":"Desired key","properties":{"application":{"type":"string","description":"App name"}}},
         "status":{"type":"object"}}}
        """).AsObject());

    [Fact]
    public void Builds_a_crd_document_kubectl_can_use()
    {
        var doc = OpenApiBuilder.BuildGroupVersion("appkeys.io/v1alpha1", [Key, BuiltIn("", "v1", "Secret")]);
        Assert.Equal("3.0.0", (string?)doc["openapi"]);
        var paths = doc["paths"]!.AsObject();
        Assert.Equal(
            ["/apis/appkeys.io/v1alpha1/applicationkeys", "/apis/appkeys.io/v1alpha1/namespaces/{namespace}/applicationkeys",
             "/apis/appkeys.io/v1alpha1/namespaces/{namespace}/applicationkeys/{name}", "/apis/appkeys.io/v1alpha1/namespaces/{namespace}/applicationkeys/{name}/status"],
            paths.Select(p => p.Key).Order(StringComparer.Ordinal).ToArray());

        var patch = paths["/apis/appkeys.io/v1alpha1/namespaces/{namespace}/applicationkeys/{name}"]!["patch"]!;
        AssertJsonEqual("""{"group":"appkeys.io","kind":"ApplicationKey","version":"v1alpha1"}""", patch["x-kubernetes-group-version-kind"]);
        Assert.Contains(patch["parameters"]!.AsArray(), p => (string?)p!["name"] == "fieldValidation" && (string?)p["in"] == "query");
        Assert.False(patch["requestBody"]!["content"]!.AsObject().ContainsKey("application/strategic-merge-patch+json"));
        foreach (var method in (string[])["put"])
        {
            Assert.Contains(paths["/apis/appkeys.io/v1alpha1/namespaces/{namespace}/applicationkeys/{name}"]![method]!["parameters"]!.AsArray(),
                p => (string?)p!["name"] == "fieldValidation");
        }

        Assert.Contains(paths["/apis/appkeys.io/v1alpha1/namespaces/{namespace}/applicationkeys"]!["post"]!["parameters"]!.AsArray(),
            p => (string?)p!["name"] == "fieldValidation");

        var schemas = doc["components"]!["schemas"]!.AsObject();
        var kind = schemas["io.appkeys.v1alpha1.ApplicationKey"]!;
        AssertJsonEqual("""[{"group":"appkeys.io","kind":"ApplicationKey","version":"v1alpha1"}]""", kind["x-kubernetes-group-version-kind"]);
        Assert.Equal("Desired key", (string?)kind["properties"]!["spec"]!["description"]);
        Assert.Equal("#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", (string?)kind["properties"]!["metadata"]!["allOf"]![0]!["$ref"]);
        Assert.NotNull(schemas["io.appkeys.v1alpha1.ApplicationKeyList"]);
        Assert.NotNull(schemas["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]!["properties"]!["labels"]!["description"]);
        Assert.False(schemas.ContainsKey("io.k8s.api.core.v1.Secret"));
        Assert.Null(Key.Schema!["properties"]!["metadata"]!["allOf"]);
    }

    [Fact]
    public void Builds_built_in_documents_with_strategic_merge()
    {
        var secret = BuiltIn("", "v1", "Secret");
        var ns = BuiltIn("", "v1", "Namespace", namespaced: false);
        var doc = OpenApiBuilder.BuildGroupVersion("v1", [secret, ns]);
        var patch = doc["paths"]!["/api/v1/namespaces/{name}"]!["patch"]!;
        Assert.Equal("patchCoreV1Namespace", (string?)patch["operationId"]);
        Assert.True(patch["requestBody"]!["content"]!.AsObject().ContainsKey("application/strategic-merge-patch+json"));
        Assert.Equal("patchCoreV1NamespacedSecret", (string?)doc["paths"]!["/api/v1/namespaces/{namespace}/secrets/{name}"]!["patch"]!["operationId"]);
        var schema = doc["components"]!["schemas"]!["io.k8s.api.core.v1.Secret"]!;
        Assert.Null(schema["x-kubernetes-preserve-unknown-fields"]);
        Assert.Equal("object", (string?)schema["type"]);
        // kubectl looks fields up here to compute client-side apply patches (strategicpatch PatchMetaFromOpenAPIV3).
        Assert.Equal("byte", (string?)schema["properties"]!["data"]!["additionalProperties"]!["format"]);
        var conditions = doc["components"]!["schemas"]!["io.k8s.api.core.v1.Namespace"]!["properties"]!["status"]!["properties"]!["conditions"]!;
        Assert.Equal("merge", (string?)conditions["x-kubernetes-patch-strategy"]);
        Assert.Equal("type", (string?)conditions["x-kubernetes-patch-merge-key"]);
    }

    [Theory]
    [InlineData("apps", "Deployment", false, "io.k8s.api.apps.v1.Deployment")]
    [InlineData("rbac.authorization.k8s.io", "Role", false, "io.k8s.api.rbac.v1.Role")]
    [InlineData("coordination.k8s.io", "Lease", false, "io.k8s.api.coordination.v1.Lease")]
    [InlineData("apiextensions.k8s.io", "CustomResourceDefinition", false, "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition")]
    [InlineData("appkeys.io", "ApplicationKey", true, "io.appkeys.v1.ApplicationKey")]
    [InlineData("example.com", "Widget", true, "com.example.v1.Widget")]
    public void Names_schemas_like_kube(string group, string kind, bool custom, string expected)
    {
        Assert.Equal(expected, OpenApiBuilder.SchemaName(BuiltIn(group, "v1", kind) with { IsCustom = custom }));
    }

    [Fact]
    public void Root_lists_group_versions_with_hashes()
    {
        var root = OpenApiBuilder.BuildRoot(new Dictionary<string, string> { ["v1"] = "AAA", ["appkeys.io/v1alpha1"] = "BBB" });
        AssertJsonEqual("""
            {"paths":{"api/v1":{"serverRelativeURL":"/openapi/v3/api/v1?hash=AAA"},
                      "apis/appkeys.io/v1alpha1":{"serverRelativeURL":"/openapi/v3/apis/appkeys.io/v1alpha1?hash=BBB"}}}
            """, root);
    }

    [Fact]
    public void Hash_is_stable_and_content_sensitive()
    {
        var a = Json("""{"x":1,"y":{"a":[1,2]}}""").AsObject();
        var b = Json("""{"y":{"a":[1,2]},"x":1}""").AsObject();
        var c = Json("""{"x":1,"y":{"a":[2,1]}}""").AsObject();
        Assert.Equal(OpenApiBuilder.Hash(a), OpenApiBuilder.Hash(b));
        Assert.NotEqual(OpenApiBuilder.Hash(a), OpenApiBuilder.Hash(c));
        Assert.Matches("^[0-9A-F]{128}$", OpenApiBuilder.Hash(a));
        var doc = OpenApiBuilder.BuildGroupVersion("appkeys.io/v1alpha1", [Key]);
        Assert.Equal(OpenApiBuilder.Hash(doc), OpenApiBuilder.Hash(OpenApiBuilder.BuildGroupVersion("appkeys.io/v1alpha1", [Key])));
    }

    [Fact]
    public void Respects_the_resource_verbs()
    {
        var readOnly = BuiltIn("", "v1", "Event") with { Verbs = ["get", "list"] };
        var doc = OpenApiBuilder.BuildGroupVersion("v1", [readOnly]);
        var item = doc["paths"]!["/api/v1/namespaces/{namespace}/events/{name}"]!.AsObject();
        Assert.True(item.ContainsKey("get"));
        Assert.False(item.ContainsKey("patch"));
        Assert.IsType<JsonArray>(item["parameters"]);
    }
}
