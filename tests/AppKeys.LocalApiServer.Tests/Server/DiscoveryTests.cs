using System.Text.Json.Nodes;

namespace AppKeys.LocalApiServer.Tests.Server;

/// <summary>Discovery and OpenAPI as client-go reads them (discovery/aggregated_discovery.go, openapi3 root).</summary>
public sealed class DiscoveryTests(ApiServerFixture fx) : IClassFixture<ApiServerFixture>
{
    private const string AggregatedAccept =
        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

    [Fact]
    public async Task Aggregated_and_legacy_discovery_by_Accept()
    {
        var (code, body, response) = await fx.SendAsync(HttpMethod.Get, "/apis", accept: AggregatedAccept);
        Assert.Equal(200, code);
        Assert.Equal("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList", response.Content.Headers.ContentType!.ToString().Replace(" ", "", StringComparison.Ordinal));
        Assert.Contains(body!["items"]!.AsArray(), g => g!["metadata"]!["name"]!.GetValue<string>() == "coordination.k8s.io");

        (code, body, response) = await fx.SendAsync(HttpMethod.Get, "/apis");
        Assert.Equal("APIGroupList", body!["kind"]!.GetValue<string>());
        (code, body, _) = await fx.SendAsync(HttpMethod.Get, "/api");
        Assert.Equal("APIVersions", body!["kind"]!.GetValue<string>());
        (code, body, _) = await fx.SendAsync(HttpMethod.Get, "/api/v1");
        Assert.Contains(body!["resources"]!.AsArray(), r => r!["name"]!.GetValue<string>() == "secrets");
        (code, body, _) = await fx.SendAsync(HttpMethod.Get, "/apis/apps");
        Assert.Equal("APIGroup", body!["kind"]!.GetValue<string>());
        (code, body, _) = await fx.SendAsync(HttpMethod.Get, "/apis/apps/v1");
        Assert.Contains(body!["resources"]!.AsArray(), r => r!["name"]!.GetValue<string>() == "deployments");
        // /openapi/v2 carries the create-only kinds kubectl validates client-side (the reviews), with what they reference.
        (code, body, _) = await fx.SendAsync(HttpMethod.Get, "/openapi/v2");
        Assert.Equal(200, code);
        Assert.Equal("2.0", body!["swagger"]!.GetValue<string>());
        var definitions = body["definitions"]!.AsObject();
        Assert.Equal("authorization.k8s.io", definitions["io.k8s.api.authorization.v1.SubjectAccessReview"]!["x-kubernetes-group-version-kind"]![0]!["group"]!.GetValue<string>());
        Assert.Equal("#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
            definitions["io.k8s.api.authentication.v1.TokenReview"]!["properties"]!["metadata"]!["$ref"]!.GetValue<string>());
        Assert.NotNull(definitions["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]);
        Assert.Null(definitions["io.k8s.api.core.v1.Secret"]);
    }

    [Fact]
    public async Task OpenApi_hash_changes_when_a_crd_is_added()
    {
        var (_, root, _) = await fx.SendAsync(HttpMethod.Get, "/openapi/v3");
        var coreUrl = root!["paths"]!["api/v1"]!["serverRelativeURL"]!.GetValue<string>();
        var (code, doc, _) = await fx.SendAsync(HttpMethod.Get, coreUrl);
        Assert.Equal(200, code);
        Assert.Equal("3.0.0", doc!["openapi"]!.GetValue<string>());

        var group = "o" + Guid.NewGuid().ToString("N")[..8] + ".example.com";
        var crd = JsonNode.Parse("""
            {"metadata":{"name":"things.__G__"},"spec":{"group":"__G__","scope":"Namespaced","names":{"plural":"things","kind":"Thing"},
             "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}
            """.Replace("__G__", group, StringComparison.Ordinal))!;
        Assert.Equal(201, (await fx.SendAsync(HttpMethod.Post, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd.ToJsonString())).Code);
        (_, root, _) = await fx.SendAsync(HttpMethod.Get, "/openapi/v3");
        var url = root!["paths"]![$"apis/{group}/v1"]!["serverRelativeURL"]!.GetValue<string>();
        Assert.Contains("?hash=", url);
        Assert.Equal(200, (await fx.SendAsync(HttpMethod.Get, url)).Code);
        (_, var aggregated, _) = await fx.SendAsync(HttpMethod.Get, "/apis", accept: AggregatedAccept);
        Assert.Contains(aggregated!["items"]!.AsArray(), g => g!["metadata"]!["name"]!.GetValue<string>() == group);
    }
}
