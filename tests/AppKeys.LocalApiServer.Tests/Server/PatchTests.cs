using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace AppKeys.LocalApiServer.Tests.Server;

/// <summary>PATCH of every type (apiserver pkg/endpoints/handlers/patch.go).</summary>
public sealed class PatchTests(ApiServerFixture fx) : IClassFixture<ApiServerFixture>
{
    private async Task<string> ConfigMapAsync()
    {
        var ns = await fx.NewNamespaceAsync();
        await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new() { Name = "c", Labels = new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" } },
            Data = new Dictionary<string, string> { ["k"] = "v" },
        }, ns);
        return ns;
    }

    [Fact]
    public async Task Merge_patch_sets_and_removes_fields()
    {
        var ns = await ConfigMapAsync();
        var (code, body, _) = await fx.SendAsync(HttpMethod.Patch, $"/api/v1/namespaces/{ns}/configmaps/c?fieldManager=kubectl-label",
            """{"metadata":{"labels":{"a":null,"c":"3"}},"data":{"k2":"v2"}}""", "application/merge-patch+json");
        Assert.Equal(200, code);
        var labels = body!["metadata"]!["labels"]!.AsObject();
        Assert.False(labels.ContainsKey("a"));
        Assert.Equal("3", labels["c"]!.GetValue<string>());
        Assert.Equal("v", body["data"]!["k"]!.GetValue<string>());
        Assert.Equal("v2", body["data"]!["k2"]!.GetValue<string>());
    }

    [Fact]
    public async Task Strategic_merge_patch_via_KubernetesClient()
    {
        var ns = await ConfigMapAsync();
        var patched = await fx.Client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch("""{"data":{"k":"changed"}}""", V1Patch.PatchType.StrategicMergePatch), "c", ns);
        Assert.Equal("changed", patched.Data["k"]);
    }

    [Fact]
    public async Task Json_patch_and_its_failures()
    {
        var ns = await ConfigMapAsync();
        var (code, body, _) = await fx.SendAsync(HttpMethod.Patch, $"/api/v1/namespaces/{ns}/configmaps/c",
            """[{"op":"replace","path":"/data/k","value":"j"}]""", "application/json-patch+json");
        Assert.Equal(200, code);
        Assert.Equal("j", body!["data"]!["k"]!.GetValue<string>());
        (code, body, _) = await fx.SendAsync(HttpMethod.Patch, $"/api/v1/namespaces/{ns}/configmaps/c",
            """[{"op":"test","path":"/data/k","value":"other"}]""", "application/json-patch+json");
        Assert.Equal(422, code);
        Assert.Equal("Status", body!["kind"]!.GetValue<string>());
        (code, _, _) = await fx.SendAsync(HttpMethod.Patch, $"/api/v1/namespaces/{ns}/configmaps/c", "[{", "application/json-patch+json");
        Assert.Equal(400, code);
    }

    [Fact]
    public async Task Patch_of_a_missing_object_is_404_and_unknown_type_415()
    {
        var ns = await fx.NewNamespaceAsync();
        var (code, body, _) = await fx.SendAsync(HttpMethod.Patch, $"/api/v1/namespaces/{ns}/configmaps/none", "{}", "application/merge-patch+json");
        Assert.Equal(404, code);
        Assert.Equal("configmaps \"none\" not found", body!["message"]!.GetValue<string>());
        (code, body, _) = await fx.SendAsync(HttpMethod.Patch, $"/api/v1/namespaces/{ns}/configmaps/none", "{}", "application/json");
        Assert.Equal(415, code);
        Assert.Equal("UnsupportedMediaType", body!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Patch_resourceVersion_is_a_precondition()
    {
        var ns = await ConfigMapAsync();
        var (code, body, _) = await fx.SendAsync(HttpMethod.Patch, $"/api/v1/namespaces/{ns}/configmaps/c",
            """{"metadata":{"resourceVersion":"1"},"data":{"x":"y"}}""", "application/merge-patch+json");
        Assert.Equal(409, code);
        Assert.Equal("Conflict", body!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Server_side_apply_needs_a_field_manager_and_creates()
    {
        var ns = await fx.NewNamespaceAsync();
        var path = $"/api/v1/namespaces/{ns}/configmaps/applied";
        var (code, body, _) = await fx.SendAsync(HttpMethod.Patch, path,
            """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"applied"},"data":{"a":"1"}}""", "application/apply-patch+yaml");
        Assert.Equal(422, code);
        Assert.Contains("fieldManager: Required value", body!["message"]!.GetValue<string>());

        (code, body, _) = await fx.SendAsync(HttpMethod.Patch, path + "?fieldManager=me",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  a: \"1\"\n", "application/apply-patch+yaml");
        Assert.Equal(201, code);
        Assert.Equal("1", body!["data"]!["a"]!.GetValue<string>());
        var managed = body["metadata"]!["managedFields"]!.AsArray();
        Assert.Contains(managed, m => m!["manager"]!.GetValue<string>() == "me" && m["operation"]!.GetValue<string>() == "Apply");

        (code, body, _) = await fx.SendAsync(HttpMethod.Patch, path + "?fieldManager=me&force=true",
            """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"applied"},"data":{"b":"2"}}""", "application/apply-patch+yaml");
        Assert.Equal(200, code);
        Assert.Equal("2", body!["data"]!["b"]!.GetValue<string>());
    }

    [Fact]
    public async Task Server_side_apply_conflicts_with_another_manager_unless_forced()
    {
        var ns = await fx.NewNamespaceAsync();
        var path = $"/api/v1/namespaces/{ns}/configmaps/owned";
        const string Apply = "application/apply-patch+yaml";
        static string Cm(string value) => $$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"owned"},"data":{"k":"{{{value}}}"}}""";
        var (code, _, _) = await fx.SendAsync(HttpMethod.Patch, path + "?fieldManager=a", Cm("1"), Apply);
        Assert.Equal(201, code);

        (code, var body, _) = await fx.SendAsync(HttpMethod.Patch, path + "?fieldManager=b", Cm("2"), Apply);
        Assert.Equal(409, code);
        Assert.Equal("Conflict", body!["reason"]!.GetValue<string>());
        Assert.Equal("Apply failed with 1 conflict: conflict with \"a\": .data.k", body["message"]!.GetValue<string>());
        var cause = Assert.Single(body["details"]!["causes"]!.AsArray())!;
        Assert.Equal(("FieldManagerConflict", "conflict with \"a\"", ".data.k"),
            (cause["reason"]!.GetValue<string>(), cause["message"]!.GetValue<string>(), cause["field"]!.GetValue<string>()));

        // The same value is no conflict: both managers own the field.
        (code, body, _) = await fx.SendAsync(HttpMethod.Patch, path + "?fieldManager=b", Cm("1"), Apply);
        Assert.Equal(200, code);
        Assert.Equal(["a", "b"], Owners(body!, "f:k"));

        // A merge patch makes "c" (Update) the owner; "a" and "b" lose the field and, left with nothing, their entries.
        (code, body, _) = await fx.SendAsync(HttpMethod.Patch, path + "?fieldManager=c", """{"data":{"k":"9"}}""", "application/merge-patch+json");
        Assert.Equal(200, code);
        Assert.Equal(["c"], body!["metadata"]!["managedFields"]!.AsArray().Select(m => m!["manager"]!.GetValue<string>()).ToArray());
        (code, body, _) = await fx.SendAsync(HttpMethod.Patch, path + "?fieldManager=b", Cm("2"), Apply);
        Assert.Equal(409, code);
        Assert.Equal("Apply failed with 1 conflict: conflict with \"c\" using v1: .data.k", body!["message"]!.GetValue<string>());

        (code, body, _) = await fx.SendAsync(HttpMethod.Patch, path + "?fieldManager=b&force=true", Cm("2"), Apply);
        Assert.Equal(200, code);
        Assert.Equal("2", body!["data"]!["k"]!.GetValue<string>());
        Assert.DoesNotContain("c", Owners(body, "f:k"));
        Assert.Contains("b", Owners(body, "f:k"));
    }

    private static string[] Owners(JsonNode obj, string field) =>
        [.. obj["metadata"]!["managedFields"]!.AsArray()
            .Where(m => m!["fieldsV1"]?["f:data"]?[field] is not null)
            .Select(m => m!["manager"]!.GetValue<string>())];

    [Fact]
    public async Task Status_patch_changes_only_status()
    {
        var ns = await fx.NewNamespaceAsync();
        var (code, _, _) = await fx.SendAsync(HttpMethod.Post, $"/apis/policy/v1/namespaces/{ns}/poddisruptionbudgets",
            """{"metadata":{"name":"p"},"spec":{"minAvailable":1}}""");
        Assert.Equal(201, code);
        (code, var body, _) = await fx.SendAsync(HttpMethod.Patch, $"/apis/policy/v1/namespaces/{ns}/poddisruptionbudgets/p/status",
            """{"spec":{"minAvailable":5},"status":{"currentHealthy":2}}""", "application/merge-patch+json");
        Assert.Equal(200, code);
        Assert.Equal(1, body!["spec"]!["minAvailable"]!.GetValue<int>());
        Assert.Equal(2, body["status"]!["currentHealthy"]!.GetValue<int>());
    }
}
