using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace AppKeys.LocalApiServer.Tests.Server;

/// <summary>
/// CRD lifecycle and custom resources (apiextensions-apiserver pkg/controller/establish, pkg/registry/customresource,
/// pkg/apiserver/schema/{pruning,defaulting}).
/// </summary>
public sealed class CustomResourceTests(ApiServerFixture fx) : IClassFixture<ApiServerFixture>
{
    private static string Crd(string plural, string group, string scope = "Namespaced") => """
        {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
         "metadata":{"name":"__PLURAL__.__GROUP__"},
         "spec":{"group":"__GROUP__","scope":"__SCOPE__",
           "names":{"plural":"__PLURAL__","singular":"__SINGULAR__","kind":"Widget","shortNames":["wd"]},
           "versions":[{"name":"v1","served":true,"storage":true,
             "subresources":{"status":{}},
             "additionalPrinterColumns":[{"name":"Size","type":"integer","jsonPath":".spec.size"}],
             "schema":{"openAPIV3Schema":{"type":"object","properties":{
               "spec":{"type":"object","required":["size"],"properties":{
                  "size":{"type":"integer","minimum":1},
                  "colour":{"type":"string","enum":["red","blue"],"default":"red"}}},
               "status":{"type":"object","properties":{"ready":{"type":"boolean"}}}}}}}]}}
        """.Replace("__PLURAL__", plural, StringComparison.Ordinal).Replace("__GROUP__", group, StringComparison.Ordinal)
        .Replace("__SCOPE__", scope, StringComparison.Ordinal).Replace("__SINGULAR__", plural.TrimEnd('s'), StringComparison.Ordinal);

    private async Task<(string Group, string Ns)> InstallAsync()
    {
        var group = "g" + Guid.NewGuid().ToString("N")[..8] + ".example.com";
        var (code, body, _) = await fx.SendAsync(HttpMethod.Post, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Crd("widgets", group));
        Assert.True(code == 201, body?.ToJsonString());
        return (group, await fx.NewNamespaceAsync());
    }

    [Fact]
    public async Task Crd_is_established_promptly_and_served()
    {
        var (group, ns) = await InstallAsync();
        var crd = await fx.Client.ApiextensionsV1.ReadCustomResourceDefinitionAsync($"widgets.{group}");
        Assert.Contains(crd.Status.Conditions, c => c.Type == "Established" && c.Status == "True" && c.Reason == "InitialNamesAccepted");
        Assert.Contains(crd.Status.Conditions, c => c.Type == "NamesAccepted" && c.Status == "True" && c.Reason == "NoConflicts");
        Assert.Equal("Widget", crd.Status.AcceptedNames.Kind);
        Assert.Equal("WidgetList", crd.Status.AcceptedNames.ListKind);
        Assert.Equal(["v1"], crd.Status.StoredVersions);

        var obj = new JsonObject
        {
            ["apiVersion"] = $"{group}/v1",
            ["kind"] = "Widget",
            ["metadata"] = new JsonObject { ["name"] = "w1" },
            ["spec"] = new JsonObject { ["size"] = 3 },
        };
        var (code, created, _) = await fx.SendAsync(HttpMethod.Post, $"/apis/{group}/v1/namespaces/{ns}/widgets", obj.ToJsonString());
        Assert.Equal(201, code);
        Assert.Equal(1, created!["metadata"]!["generation"]!.GetValue<long>());
        Assert.Equal("red", created["spec"]!["colour"]!.GetValue<string>()); // defaulted

        var list = await fx.Client.CustomObjects.ListNamespacedCustomObjectAsync(group, "v1", ns, "widgets");
        Assert.NotNull(list);
    }

    [Fact]
    public async Task Crd_creation_emits_a_MODIFIED_event_with_the_established_status()
    {
        var (code, body, _) = await fx.SendAsync(HttpMethod.Get, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions");
        Assert.Equal(200, code);
        var rv = body!["metadata"]!["resourceVersion"]!.GetValue<string>();
        await using var watch = await WatchStream.OpenAsync(fx.Http, $"/apis/apiextensions.k8s.io/v1/customresourcedefinitions?watch=1&resourceVersion={rv}");
        var group = "g" + Guid.NewGuid().ToString("N")[..8] + ".example.com";
        await fx.SendAsync(HttpMethod.Post, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Crd("widgets", group));
        Assert.Equal("ADDED", (await watch.NextAsync())!["type"]!.GetValue<string>());
        var modified = await watch.NextAsync();
        Assert.Equal("MODIFIED", modified!["type"]!.GetValue<string>());
        Assert.Contains(modified["object"]!["status"]!["conditions"]!.AsArray(), c => c!["type"]!.GetValue<string>() == "Established");
    }

    [Fact]
    public async Task Schema_validation_pruning_and_fieldValidation()
    {
        var (group, ns) = await InstallAsync();
        var path = $"/apis/{group}/v1/namespaces/{ns}/widgets";
        var (code, body, _) = await fx.SendAsync(HttpMethod.Post, path, """{"metadata":{"name":"bad"},"spec":{"size":0,"colour":"green"}}""");
        Assert.Equal(422, code);
        Assert.Equal("Invalid", body!["reason"]!.GetValue<string>());
        var fields = body["details"]!["causes"]!.AsArray().Select(c => c!["field"]!.GetValue<string>()).ToList();
        Assert.Contains("spec.size", fields);
        Assert.Contains("spec.colour", fields);
        Assert.StartsWith("Widget.", body["message"]!.GetValue<string>());

        (code, body, _) = await fx.SendAsync(HttpMethod.Post, path + "?fieldValidation=Strict", """{"metadata":{"name":"strict"},"spec":{"size":1,"shade":"x"}}""");
        Assert.Equal(400, code);
        Assert.Contains("strict decoding error: unknown field \"spec.shade\"", body!["message"]!.GetValue<string>());

        var (warnCode, warned, response) = await fx.SendAsync(HttpMethod.Post, path, """{"metadata":{"name":"warn"},"spec":{"size":1,"shade":"x"}}""");
        Assert.Equal(201, warnCode);
        Assert.Null(warned!["spec"]!["shade"]);
        Assert.Contains("299 - \"unknown field \\\"spec.shade\\\"\"", response.Headers.GetValues("Warning"));

        (code, body, _) = await fx.SendAsync(HttpMethod.Post, path + "?fieldValidation=Ignore", """{"metadata":{"name":"ignore"},"spec":{"size":1,"shade":"x"}}""");
        Assert.Equal(201, code);
        Assert.Null(body!["spec"]!["shade"]);
    }

    [Fact]
    public async Task Generation_tracks_spec_and_status_goes_through_the_subresource()
    {
        var (group, ns) = await InstallAsync();
        var path = $"/apis/{group}/v1/namespaces/{ns}/widgets";
        var (_, w, _) = await fx.SendAsync(HttpMethod.Post, path, """{"metadata":{"name":"w"},"spec":{"size":1},"status":{"ready":true}}""");
        Assert.Null(w!["status"]);

        var (code, body, _) = await fx.SendAsync(HttpMethod.Patch, $"{path}/w", """{"metadata":{"labels":{"a":"b"}}}""", "application/merge-patch+json");
        Assert.Equal(200, code);
        Assert.Equal(1, body!["metadata"]!["generation"]!.GetValue<long>());

        (code, body, _) = await fx.SendAsync(HttpMethod.Patch, $"{path}/w", """{"spec":{"size":2}}""", "application/merge-patch+json");
        Assert.Equal(2, body!["metadata"]!["generation"]!.GetValue<long>());

        (code, body, _) = await fx.SendAsync(HttpMethod.Patch, $"{path}/w/status", """{"status":{"ready":true},"spec":{"size":9}}""", "application/merge-patch+json");
        Assert.Equal(200, code);
        Assert.True(body!["status"]!["ready"]!.GetValue<bool>());
        Assert.Equal(2, body["spec"]!["size"]!.GetValue<int>());
        Assert.Equal(2, body["metadata"]!["generation"]!.GetValue<long>());

        (code, body, _) = await fx.SendAsync(HttpMethod.Patch, $"{path}/w", """{"spec":{"size":3}}""", "application/strategic-merge-patch+json");
        Assert.Equal(415, code);
        Assert.Equal("UnsupportedMediaType", body!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Invalid_crd_is_422()
    {
        var (code, body, _) = await fx.SendAsync(HttpMethod.Post, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
            """{"metadata":{"name":"wrong.example.com"},"spec":{"group":"example.com","scope":"Namespaced","names":{"plural":"things","kind":"Thing"},"versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object"}}}]}}""");
        Assert.Equal(422, code);
        Assert.Equal("Invalid", body!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Deleting_a_crd_deletes_its_objects_and_stops_serving()
    {
        var (group, ns) = await InstallAsync();
        var path = $"/apis/{group}/v1/namespaces/{ns}/widgets";
        await fx.SendAsync(HttpMethod.Post, path, """{"metadata":{"name":"a"},"spec":{"size":1}}""");
        await fx.SendAsync(HttpMethod.Post, path, """{"metadata":{"name":"b"},"spec":{"size":1}}""");
        var (code, body, _) = await fx.SendAsync(HttpMethod.Delete, $"/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.{group}");
        Assert.Equal(200, code);
        Assert.Contains("customresourcecleanup.apiextensions.k8s.io", body!["metadata"]!["finalizers"]!.AsArray().Select(f => f!.GetValue<string>()));
        await ApiServerFixture.EventuallyAsync(async () =>
            (await fx.SendAsync(HttpMethod.Get, $"/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.{group}")).Code == 404, "CRD deleted");
        Assert.Equal(404, (await fx.SendAsync(HttpMethod.Get, path)).Code);
    }

    [Fact]
    public async Task Cluster_scoped_custom_resources()
    {
        var group = "g" + Guid.NewGuid().ToString("N")[..8] + ".example.com";
        var (code, _, _) = await fx.SendAsync(HttpMethod.Post, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Crd("widgets", group, "Cluster"));
        Assert.Equal(201, code);
        (code, var body, _) = await fx.SendAsync(HttpMethod.Post, $"/apis/{group}/v1/widgets", """{"metadata":{"name":"c"},"spec":{"size":1}}""");
        Assert.Equal(201, code);
        Assert.Null(body!["metadata"]!["namespace"]);
        var obj = await fx.Client.CustomObjects.GetClusterCustomObjectAsync(group, "v1", "widgets", "c");
        Assert.NotNull(obj);
    }
}
