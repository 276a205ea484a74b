using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Tests.Authorization;
using k8s;
using k8s.Models;

namespace AppKeys.LocalApiServer.Tests.Server;

/// <summary>
/// <c>deployments/scale</c> (kube pkg/registry/apps/deployment/storage ScaleREST): an autoscaling/v1 Scale read from
/// the Deployment; writes change only spec.replicas, with the Scale's resourceVersion as precondition.
/// </summary>
public sealed class ScaleSubresourceTests(ApiServerFixture fx) : IClassFixture<ApiServerFixture>
{
    private const string Deployment = """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"app":"web"}},
         "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"},"matchExpressions":[{"key":"tier","operator":"In","values":["b","a"]}]},
                 "template":{"metadata":{"labels":{"app":"web","tier":"a"}},"spec":{"containers":[{"name":"c","image":"nginx:1.27"}]}}}}
        """;

    private async Task<(string Ns, JsonNode Created)> DeploymentAsync()
    {
        var ns = await fx.NewNamespaceAsync();
        var (code, body, _) = await fx.SendAsync(HttpMethod.Post, $"/apis/apps/v1/namespaces/{ns}/deployments", Deployment);
        Assert.Equal(201, code);
        return (ns, body!);
    }

    [Fact]
    public async Task Get_builds_the_scale_from_the_deployment()
    {
        var (ns, created) = await DeploymentAsync();
        var (code, body, _) = await fx.SendAsync(HttpMethod.Get, $"/apis/apps/v1/namespaces/{ns}/deployments/web/scale");
        Assert.Equal(200, code);
        var meta = created["metadata"]!;
        var expected = new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = "web",
                ["namespace"] = ns,
                ["uid"] = meta["uid"]!.DeepClone(),
                ["resourceVersion"] = meta["resourceVersion"]!.DeepClone(),
                ["creationTimestamp"] = meta["creationTimestamp"]!.DeepClone(),
            },
            ["spec"] = new JsonObject { ["replicas"] = 2 },
            ["status"] = new JsonObject { ["replicas"] = 0, ["selector"] = "app=web,tier in (a,b)" },
        };
        Assert.Equal(expected.ToJsonString(), body!.ToJsonString());
    }

    [Fact]
    public async Task Put_changes_replicas_and_bumps_generation()
    {
        var (ns, _) = await DeploymentAsync();
        var (_, scale, _) = await fx.SendAsync(HttpMethod.Get, $"/apis/apps/v1/namespaces/{ns}/deployments/web/scale");
        scale!["spec"]!["replicas"] = 5;
        var (code, body, _) = await fx.SendAsync(HttpMethod.Put, $"/apis/apps/v1/namespaces/{ns}/deployments/web/scale", scale.ToJsonString());
        Assert.Equal(200, code);
        Assert.Equal("Scale", (string?)body!["kind"]);
        Assert.Equal(5, (int)body["spec"]!["replicas"]!);

        var (_, deployment, _) = await fx.SendAsync(HttpMethod.Get, $"/apis/apps/v1/namespaces/{ns}/deployments/web");
        Assert.Equal(5, (int)deployment!["spec"]!["replicas"]!);
        Assert.Equal(2, (long)deployment["metadata"]!["generation"]!);
        Assert.Equal((string?)body["metadata"]!["resourceVersion"], (string?)deployment["metadata"]!["resourceVersion"]);
        // Only replicas moved: the template is the one created.
        Assert.Equal("nginx:1.27", (string?)deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]);
    }

    [Fact]
    public async Task Stale_resource_version_is_a_conflict_on_the_deployment()
    {
        var (ns, created) = await DeploymentAsync();
        var stale = (string)created["metadata"]!["resourceVersion"]!;
        var (patched, _, _) = await fx.SendAsync(HttpMethod.Patch, $"/apis/apps/v1/namespaces/{ns}/deployments/web/scale",
            """{"spec":{"replicas":3}}""", "application/merge-patch+json");
        Assert.Equal(200, patched);

        var put = $$$"""{"apiVersion":"autoscaling/v1","kind":"Scale","metadata":{"name":"web","resourceVersion":"{{{stale}}}"},"spec":{"replicas":4}}""";
        var (code, body, _) = await fx.SendAsync(HttpMethod.Put, $"/apis/apps/v1/namespaces/{ns}/deployments/web/scale", put);
        Assert.Equal(409, code);
        Assert.Equal("Conflict", (string?)body!["reason"]);
        Assert.Equal("Operation cannot be fulfilled on deployments.apps \"web\": the object has been modified; please apply your changes to the latest version and try again",
            (string?)body["message"]);

        var (mergeCode, _, _) = await fx.SendAsync(HttpMethod.Patch, $"/apis/apps/v1/namespaces/{ns}/deployments/web/scale",
            $$$"""{"metadata":{"resourceVersion":"{{{stale}}}"},"spec":{"replicas":4}}""", "application/merge-patch+json");
        Assert.Equal(409, mergeCode);

        var (_, deployment, _) = await fx.SendAsync(HttpMethod.Get, $"/apis/apps/v1/namespaces/{ns}/deployments/web");
        Assert.Equal(3, (int)deployment!["spec"]!["replicas"]!);
    }

    [Fact]
    public async Task Merge_json_and_strategic_patches_change_replicas()
    {
        var (ns, _) = await DeploymentAsync();
        var path = $"/apis/apps/v1/namespaces/{ns}/deployments/web/scale";
        var (code, body, _) = await fx.SendAsync(HttpMethod.Patch, path, """{"spec":{"replicas":7}}""", "application/merge-patch+json");
        Assert.Equal(200, code);
        Assert.Equal(7, (int)body!["spec"]!["replicas"]!);
        (code, body, _) = await fx.SendAsync(HttpMethod.Patch, path, """[{"op":"replace","path":"/spec/replicas","value":1}]""", "application/json-patch+json");
        Assert.Equal(200, code);
        Assert.Equal(1, (int)body!["spec"]!["replicas"]!);
        (code, body, _) = await fx.SendAsync(HttpMethod.Patch, path, """{"spec":{"replicas":0}}""", "application/strategic-merge-patch+json");
        Assert.Equal(200, code);
        // ScaleSpec.replicas is omitempty.
        Assert.Equal("{}", body!["spec"]!.ToJsonString());
        var (_, deployment, _) = await fx.SendAsync(HttpMethod.Get, $"/apis/apps/v1/namespaces/{ns}/deployments/web");
        Assert.Equal(0, (int)deployment!["spec"]!["replicas"]!);
    }

    [Fact]
    public async Task Negative_replicas_are_invalid()
    {
        var (ns, _) = await DeploymentAsync();
        var (code, body, _) = await fx.SendAsync(HttpMethod.Patch, $"/apis/apps/v1/namespaces/{ns}/deployments/web/scale",
            """{"spec":{"replicas":-1}}""", "application/merge-patch+json");
        Assert.Equal(422, code);
        Assert.Equal("Scale.autoscaling \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0", (string?)body!["message"]);
    }

    [Fact]
    public async Task Missing_deployment_is_404_and_other_kinds_have_no_scale()
    {
        var ns = await fx.NewNamespaceAsync();
        var (code, body, _) = await fx.SendAsync(HttpMethod.Get, $"/apis/apps/v1/namespaces/{ns}/deployments/none/scale");
        Assert.Equal(404, code);
        Assert.Equal("deployments.apps \"none\" not found", (string?)body!["message"]);

        (code, body, _) = await fx.SendAsync(HttpMethod.Patch, $"/apis/apps/v1/namespaces/{ns}/deployments/none/scale",
            """{"spec":{"replicas":3}}""", "application/merge-patch+json");
        Assert.Equal(404, code);
        Assert.Equal("deployments/scale.apps \"none\" not found", (string?)body!["message"]);

        (code, _, _) = await fx.SendAsync(HttpMethod.Put, $"/apis/apps/v1/namespaces/{ns}/deployments/none/scale",
            """{"apiVersion":"autoscaling/v1","kind":"Scale","metadata":{"name":"none"},"spec":{"replicas":3}}""");
        Assert.Equal(404, code);

        await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = "c" } }, ns);
        (code, _, _) = await fx.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps/c/scale");
        Assert.Equal(404, code);
    }
}

/// <summary>The scale subresource is authorized as <c>deployments/scale</c>, before the Deployment is looked up.</summary>
public sealed class ScaleSubresourceRbacTests(RbacServerFixture fx) : IClassFixture<RbacServerFixture>
{
    [Fact]
    public async Task Scale_needs_a_rule_for_deployments_scale()
    {
        var ns = await fx.Admin.NewNamespaceAsync();
        var (created, _, _) = await fx.Admin.SendAsync(HttpMethod.Post, $"/apis/apps/v1/namespaces/{ns}/deployments", """
            {"metadata":{"name":"web"},"spec":{"selector":{"matchLabels":{"app":"web"}},
             "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}}}
            """);
        Assert.Equal(201, created);
        var user = $"system:serviceaccount:{ns}:sa";
        using var http = fx.HttpFor(user);
        using var content = new StringContent("""{"spec":{"replicas":3}}""");
        content.Headers.ContentType = new("application/merge-patch+json");

        // Deployments themselves do not grant the subresource.
        await OwnerReferencesAdmissionTests.GrantAsync(fx, ns, new V1PolicyRule { ApiGroups = ["apps"], Resources = ["deployments"], Verbs = ["get", "patch"] });
        using (var denied = await http.PatchAsync($"/apis/apps/v1/namespaces/{ns}/deployments/web/scale", content))
        {
            Assert.Equal(403, (int)denied.StatusCode);
            Assert.Equal($"deployments.apps \"web\" is forbidden: User \"{user}\" cannot patch resource \"deployments/scale\" in API group \"apps\" in the namespace \"{ns}\"",
                (string?)JsonNode.Parse(await denied.Content.ReadAsStringAsync())!["message"]);
        }
        using (var missing = await http.GetAsync($"/apis/apps/v1/namespaces/{ns}/deployments/none/scale"))
        {
            Assert.Equal(403, (int)missing.StatusCode);
        }

        await fx.Admin.Client.RbacAuthorizationV1.PatchNamespacedRoleAsync(new k8s.Models.V1Patch(
            """{"rules":[{"apiGroups":["apps"],"resources":["deployments/scale"],"verbs":["get","patch"]}]}""", k8s.Models.V1Patch.PatchType.MergePatch), "writer", ns);
        await ApiServerFixture.EventuallyAsync(async () =>
        {
            using var c = new StringContent("""{"spec":{"replicas":3}}""");
            c.Headers.ContentType = new("application/merge-patch+json");
            using var ok = await http.PatchAsync($"/apis/apps/v1/namespaces/{ns}/deployments/web/scale", c);
            return (int)ok.StatusCode == 200;
        }, "scale allowed");
        using var notFound = await http.GetAsync($"/apis/apps/v1/namespaces/{ns}/deployments/none/scale");
        Assert.Equal(404, (int)notFound.StatusCode);
    }
}
