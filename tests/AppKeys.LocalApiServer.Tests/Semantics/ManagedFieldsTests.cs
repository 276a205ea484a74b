using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Resources;
using static AppKeys.LocalApiServer.Tests.Support.TestResources;

namespace AppKeys.LocalApiServer.Tests.Semantics;

/// <summary>An update takes the fields it changes from the other managers (structured-merge-diff Updater.Update).</summary>
public class ManagedFieldsTests
{
    [Fact]
    public void An_update_disowns_changed_fields_inside_keyed_and_set_elements_and_drops_emptied_entries()
    {
        var previous = Json("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","managedFields":[
               {"manager":"a","operation":"Apply","apiVersion":"apps/v1","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{
                 "f:replicas":{},
                 "f:template":{"f:spec":{"f:containers":{
                   "k:{\"name\":\"b\"}":{".":{},"f:name":{},"f:image":{},"f:args":{"v:\"x\"":{}}},
                   "k:{\"name\":\"gone\"}":{".":{},"f:name":{}}}}}}}},
               {"manager":"s","operation":"Apply","apiVersion":"apps/v1","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:paused":{}}}}]},
             "spec":{"replicas":1,"paused":false,"template":{"spec":{"containers":[
               {"name":"b","image":"1","args":["x"]},{"name":"gone"}]}}}}
            """).AsObject();
        var target = (JsonObject)previous.DeepClone();
        target["spec"]!["paused"] = true;
        var containers = target["spec"]!["template"]!["spec"]!["containers"]!.AsArray();
        containers[0]!["image"] = "2";
        containers.RemoveAt(1);
        var sent = Json("""{"spec":{"paused":true}}""").AsObject();

        ManagedFields.Record(target, previous, sent, "c", "Update", "apps/v1", "2026-01-01T00:00:00Z", null);

        var entries = target["metadata"]!["managedFields"]!.AsArray();
        Assert.Equal(["a", "c"], entries.Select(e => e!["manager"]!.GetValue<string>()).ToArray());
        AssertJsonEqual("""
            {"f:spec":{"f:replicas":{},"f:template":{"f:spec":{"f:containers":{
              "k:{\"name\":\"b\"}":{".":{},"f:name":{},"f:args":{"v:\"x\"":{}}}}}}}}
            """, entries[0]!["fieldsV1"]);
    }
}
