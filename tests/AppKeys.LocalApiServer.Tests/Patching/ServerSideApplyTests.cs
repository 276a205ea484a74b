using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Patching;
using static AppKeys.LocalApiServer.Tests.Support.TestResources;

namespace AppKeys.LocalApiServer.Tests.Patching;

public class ServerSideApplyTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public void Creates_from_the_applied_configuration_with_one_apply_entry()
    {
        var applied = Json("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"ns","labels":{"a":"1"}},"data":{"k":"v","gone":null}}""");
        var result = ServerSideApply.Merge(null, applied, BuiltIn("", "v1", "ConfigMap"), "kubectl", Now);
        Assert.Equal("v", (string?)result["data"]!["k"]);
        Assert.False(result["data"]!.AsObject().ContainsKey("gone"));
        var entry = Assert.Single(result["metadata"]!["managedFields"]!.AsArray())!;
        AssertJsonEqual("""
            {"manager":"kubectl","operation":"Apply","apiVersion":"v1","time":"2026-01-02T03:04:05Z","fieldsType":"FieldsV1",
             "fieldsV1":{"f:metadata":{"f:labels":{"f:a":{}}},"f:data":{"f:k":{},"f:gone":{}}}}
            """, entry);
    }

    [Fact]
    public void Merges_built_ins_strategically_and_replaces_only_its_own_entry()
    {
        var existing = Json("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","managedFields":[
               {"manager":"kubectl","operation":"Apply","apiVersion":"apps/v1","fieldsType":"FieldsV1","fieldsV1":{}},
               {"manager":"other","operation":"Update","apiVersion":"apps/v1","fieldsType":"FieldsV1","fieldsV1":{}}]},
             "spec":{"replicas":1,"template":{"spec":{"containers":[{"name":"a","image":"1"},{"name":"b","image":"2"}]}}}}
            """);
        var applied = Json("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"template":{"spec":{"containers":[{"name":"b","image":"3"}]}}}}""");
        var result = ServerSideApply.Merge(existing, applied, Deployment, "kubectl", Now);
        var containers = result["spec"]!["template"]!["spec"]!["containers"]!.AsArray();
        Assert.Equal(["a:1", "b:3"], containers.Select(c => $"{c!["name"]}:{c["image"]}").ToArray());
        Assert.Equal(1, (int)result["spec"]!["replicas"]!);
        var managers = result["metadata"]!["managedFields"]!.AsArray().Select(m => $"{m!["manager"]}/{m["operation"]}").ToArray();
        Assert.Equal(["other/Update", "kubectl/Apply"], managers);
        var fields = result["metadata"]!["managedFields"]![1]!["fieldsV1"]!;
        AssertJsonEqual("""{"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"b\"}":{".":{},"f:name":{},"f:image":{}}}}}}}""", fields);
        Assert.Single(existing["metadata"]!["managedFields"]!.AsArray(), m => (string?)m!["manager"] == "kubectl");
    }

    [Fact]
    public void Merges_custom_resources_as_merge_patch()
    {
        var existing = Json("""{"apiVersion":"appkeys.io/v1alpha1","kind":"ApplicationKey","metadata":{"name":"k"},"spec":{"scopes":["a","b"],"keep":1}}""");
        var applied = Json("""{"apiVersion":"appkeys.io/v1alpha1","kind":"ApplicationKey","metadata":{"name":"k"},"spec":{"scopes":["c"]}}""");
        var result = ServerSideApply.Merge(existing, applied, ApplicationKey(), "mgr", Now);
        AssertJsonEqual("""{"scopes":["c"],"keep":1}""", result["spec"]);
        Assert.Equal("appkeys.io/v1alpha1", (string?)result["metadata"]!["managedFields"]![0]!["apiVersion"]);
    }

    [Fact]
    public void Rejects_a_non_object_configuration()
    {
        var ex = Assert.Throws<PatchException>(() => ServerSideApply.Merge(null, new JsonArray(), Pod, "m", Now));
        Assert.Equal(400, ex.StatusCode);
    }
}
