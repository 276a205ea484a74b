using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Errors;
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

    private static JsonNode OwnedDeployment() => Json("""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","labels":{"app":"d"},"managedFields":[
           {"manager":"a","operation":"Apply","apiVersion":"apps/v1","fieldsType":"FieldsV1",
            "fieldsV1":{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:replicas":{}}}},
           {"manager":"ctl","operation":"Update","apiVersion":"apps/v1","time":"2026-01-01T00:00:00Z","fieldsType":"FieldsV1",
            "fieldsV1":{"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"b\"}":{".":{},"f:name":{},"f:image":{}}}}}}}}]},
         "spec":{"replicas":1,"template":{"spec":{"containers":[{"name":"b","image":"2"}]}}}}
        """);

    [Fact]
    public void A_changed_field_owned_by_another_applier_is_a_conflict()
    {
        var applied = Json("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"replicas":3}}""");
        var ex = Assert.Throws<ApiException>(() => ServerSideApply.Merge(OwnedDeployment(), applied, Deployment, "b", Now));
        Assert.Equal(409, ex.Code);
        AssertJsonEqual("""
            {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
             "message":"Apply failed with 1 conflict: conflict with \"a\": .spec.replicas","reason":"Conflict",
             "details":{"causes":[{"reason":"FieldManagerConflict","message":"conflict with \"a\"","field":".spec.replicas"}]},
             "code":409}
            """, ex.ToStatus());
    }

    [Fact]
    public void Several_conflicts_are_grouped_by_manager_and_an_updater_shows_its_api_version()
    {
        var applied = Json("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","labels":{"app":"x"}},
             "spec":{"replicas":3,"template":{"spec":{"containers":[{"name":"b","image":"3"}]}}}}
            """);
        var ex = Assert.Throws<ApiException>(() => ServerSideApply.Merge(OwnedDeployment(), applied, Deployment, "b", Now));
        Assert.Equal(
            "Apply failed with 3 conflicts: conflicts with \"a\":\n- .metadata.labels.app\n- .spec.replicas\n"
            + "conflicts with \"ctl\" using apps/v1:\n- .spec.template.spec.containers[name=\"b\"].image", ex.Message);
        var causes = ex.Details!["causes"]!.AsArray().Select(c => $"{c!["message"]}|{c["field"]}").ToArray();
        Assert.Equal(
            ["conflict with \"a\"|.metadata.labels.app", "conflict with \"a\"|.spec.replicas",
             "conflict with \"ctl\" using apps/v1|.spec.template.spec.containers[name=\"b\"].image"], causes);
    }

    [Fact]
    public void The_same_value_is_shared_and_force_takes_the_conflicting_fields()
    {
        var same = Json("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","labels":{"app":"d"}},"spec":{"replicas":1}}""");
        var shared = ServerSideApply.Merge(OwnedDeployment(), same, Deployment, "b", Now);
        var entries = shared["metadata"]!["managedFields"]!.AsArray();
        Assert.Equal(["a", "ctl", "b"], entries.Select(e => e!["manager"]!.GetValue<string>()).ToArray());
        AssertJsonEqual("""{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:replicas":{}}}""", entries[0]!["fieldsV1"]);

        var changed = Json("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},
             "spec":{"replicas":3,"template":{"spec":{"containers":[{"name":"b","image":"3"}]}}}}
            """);
        var forced = ServerSideApply.Merge(OwnedDeployment(), changed, Deployment, "b", Now, force: true);
        Assert.Equal(3, (int)forced["spec"]!["replicas"]!);
        entries = forced["metadata"]!["managedFields"]!.AsArray();
        Assert.Equal(["a", "ctl", "b"], entries.Select(e => e!["manager"]!.GetValue<string>()).ToArray());
        AssertJsonEqual("""{"f:metadata":{"f:labels":{"f:app":{}}}}""", entries[0]!["fieldsV1"]);
        AssertJsonEqual("""{"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"b\"}":{".":{},"f:name":{}}}}}}}""",
            entries[1]!["fieldsV1"]);
    }

    [Fact]
    public void Force_drops_an_entry_left_without_fields()
    {
        var existing = Json("""
            {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","managedFields":[
               {"manager":"a","operation":"Apply","apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":{"f:data":{"f:k":{}}}}]},
             "data":{"k":"1"}}
            """);
        var applied = Json("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"k":"2"}}""");
        Assert.Throws<ApiException>(() => ServerSideApply.Merge(existing, applied, BuiltIn("", "v1", "ConfigMap"), "b", Now));
        var forced = ServerSideApply.Merge(existing, applied, BuiltIn("", "v1", "ConfigMap"), "b", Now, force: true);
        var entry = Assert.Single(forced["metadata"]!["managedFields"]!.AsArray())!;
        Assert.Equal("b", (string?)entry["manager"]);
        // The applier's own earlier entry never conflicts with it.
        var again = Json("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"k":"3"}}""");
        Assert.Equal("3", (string?)ServerSideApply.Merge(forced, again, BuiltIn("", "v1", "ConfigMap"), "b", Now)["data"]!["k"]);
    }
}
