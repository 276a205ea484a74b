using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Model;
using AppKeys.LocalApiServer.Tables;
using static AppKeys.LocalApiServer.Tests.Support.TestResources;

namespace AppKeys.LocalApiServer.Tests.Tables;

public class TableRendererTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 4, 4, 0, 0, TimeSpan.Zero);

    private static TableOptions Options(IncludeObject include = IncludeObject.Metadata) =>
        new() { Now = Now, ResourceVersion = "42", Continue = "tok", IncludeObject = include };

    private static JsonObject Obj(string json) => Json(json).AsObject();

    private static string[] ColumnNames(JsonObject table) =>
        table["columnDefinitions"]!.AsArray().Select(c => (string)c!["name"]!).ToArray();

    private static JsonArray Cells(JsonObject table, int row = 0) => table["rows"]![row]!["cells"]!.AsArray();

    [Fact]
    public void Renders_table_envelope_and_partial_object_metadata()
    {
        var secret = Obj("""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","namespace":"ns","creationTimestamp":"2026-01-01T00:00:00Z"},"type":"Opaque","data":{"a":"MQ==","b":"Mg=="}}""");
        var table = TableRenderer.Render(BuiltIn("", "v1", "Secret"), [secret], Options());
        Assert.Equal("Table", (string?)table["kind"]);
        Assert.Equal("meta.k8s.io/v1", (string?)table["apiVersion"]);
        AssertJsonEqual("""{"resourceVersion":"42","continue":"tok"}""", table["metadata"]);
        Assert.Equal(["Name", "Type", "Data", "Age"], ColumnNames(table));
        AssertJsonEqual("""["s","Opaque",2,"3d4h"]""", Cells(table));
        AssertJsonEqual("""{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{"name":"s","namespace":"ns","creationTimestamp":"2026-01-01T00:00:00Z"}}""",
            table["rows"]![0]!["object"]);
        Assert.Equal("name", (string?)table["columnDefinitions"]![0]!["format"]);
    }

    [Fact]
    public void Honours_include_object()
    {
        var cm = Obj("""{"kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"1"},"binaryData":{"b":"AA=="}}""");
        var none = TableRenderer.Render(BuiltIn("", "v1", "ConfigMap"), [cm], Options(IncludeObject.None));
        Assert.False(none["rows"]![0]!.AsObject().ContainsKey("object"));
        var full = TableRenderer.Render(BuiltIn("", "v1", "ConfigMap"), [cm], Options(IncludeObject.Object));
        AssertJsonEqual(cm.ToJsonString(), full["rows"]![0]!["object"]);
        AssertJsonEqual("""["c",2,"<unknown>"]""", Cells(full));
        Assert.Equal(["Name", "Data", "Age"], ColumnNames(full));
    }

    [Fact]
    public void Omits_column_definitions_when_asked()
    {
        var table = TableRenderer.Render(BuiltIn("", "v1", "ConfigMap"), [], Options() with { IncludeColumnDefinitions = false });
        Assert.Empty(table["columnDefinitions"]!.AsArray());
        Assert.Empty(table["rows"]!.AsArray());
    }

    [Theory]
    [InlineData("", "Namespace", """{"metadata":{"name":"default","creationTimestamp":"2026-01-04T03:59:00Z"},"status":{"phase":"Active"}}""", "Name,Status,Age", """["default","Active","60s"]""")]
    [InlineData("coordination.k8s.io", "Lease", """{"metadata":{"name":"l","creationTimestamp":"2026-01-04T03:00:00Z"},"spec":{"holderIdentity":"pod-1"}}""", "Name,Holder,Age", """["l","pod-1","60m"]""")]
    [InlineData("rbac.authorization.k8s.io", "Role", """{"metadata":{"name":"r","creationTimestamp":"2026-01-01T00:00:00+00:00"}}""", "Name,Created At", """["r","2026-01-01T00:00:00Z"]""")]
    [InlineData("apps", "Deployment", """{"metadata":{"name":"d","creationTimestamp":"2026-01-04T03:59:00Z"},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"d"}},"template":{"spec":{"containers":[{"name":"c","image":"img:1"}]}}},"status":{"readyReplicas":1,"updatedReplicas":2,"availableReplicas":1}}""", "Name,Ready,Up-to-date,Available,Age,Containers,Images,Selector", """["d","1/2",2,1,"60s","c","img:1","app=d"]""")]
    [InlineData("", "ServiceAccount", """{"metadata":{"name":"sa","creationTimestamp":"2026-01-04T03:59:00Z"},"secrets":[{"name":"x"}]}""", "Name,Secrets,Age", """["sa",1,"60s"]""")]
    [InlineData("rbac.authorization.k8s.io", "RoleBinding", """{"metadata":{"name":"b","creationTimestamp":"2026-01-04T03:59:00Z"},"roleRef":{"kind":"ClusterRole","name":"view"},"subjects":[{"kind":"User","name":"jane"},{"kind":"User","name":"joe"},{"kind":"ServiceAccount","name":"sa","namespace":"ns"}]}""", "Name,Role,Age,Users,Groups,ServiceAccounts", """["b","ClusterRole/view","60s","jane, joe","","ns/sa"]""")]
    [InlineData("", "Service", """{"metadata":{"name":"s","creationTimestamp":"2026-01-04T03:59:00Z"},"spec":{"selector":{"app":"x"},"ports":[{"port":80,"protocol":"TCP"},{"port":443}]}}""", "Name,Type,Cluster-IP,External-IP,Port(s),Age,Selector", """["s","ClusterIP","<none>","<none>","80/TCP,443/TCP","60s","app=x"]""")]
    [InlineData("policy", "PodDisruptionBudget", """{"metadata":{"name":"p","creationTimestamp":"2026-01-04T03:59:00Z"},"spec":{"minAvailable":1}}""", "Name,Min Available,Max Unavailable,Allowed Disruptions,Age", """["p","1","N/A",0,"60s"]""")]
    public void Renders_built_in_columns(string group, string kind, string obj, string columns, string cells)
    {
        var table = TableRenderer.Render(BuiltIn(group, "v1", kind), [Obj(obj)], Options());
        Assert.Equal(columns, string.Join(',', ColumnNames(table)));
        AssertJsonEqual(cells, Cells(table));
    }

    [Fact]
    public void Renders_events_like_kubectl()
    {
        var ev = Obj("""
            {"kind":"Event","metadata":{"name":"e1","namespace":"ns"},"involvedObject":{"kind":"ApplicationKey","name":"k","fieldPath":""},
             "reason":"Issued","message":" token issued ","type":"Normal","source":{"component":"appkeys-operator"},
             "firstTimestamp":"2026-01-04T03:00:00Z","lastTimestamp":"2026-01-04T03:55:00Z","count":3}
            """);
        var table = TableRenderer.Render(BuiltIn("", "v1", "Event"), [ev], Options());
        Assert.Equal(["Last Seen", "Type", "Reason", "Object", "Subobject", "Source", "Message", "First Seen", "Count", "Name"], ColumnNames(table));
        AssertJsonEqual("""["5m","Normal","Issued","applicationkey/k","","appkeys-operator","token issued","60m",3,"e1"]""", Cells(table));
    }

    private static ApiResourceInfo Crd(params PrinterColumn[] columns) => ApplicationKey() with { PrinterColumns = columns };

    [Fact]
    public void Custom_resources_use_printer_columns_without_implicit_age()
    {
        var resource = Crd(
            new PrinterColumn("Application", "string", null, null, 0, ".spec.application"),
            new PrinterColumn("Ready", "string", null, "Readiness", 0, ".status.conditions[?(@.type==\"Ready\")].status"),
            new PrinterColumn("Replicas", "integer", "int32", null, 0, ".spec.replicas"),
            new PrinterColumn("Ratio", "number", null, null, 1, ".spec.ratio"),
            new PrinterColumn("Enabled", "boolean", null, null, 0, ".spec.enabled"),
            new PrinterColumn("Expires", "date", null, null, 0, ".status.expiresAt"),
            new PrinterColumn("Scopes", "string", null, null, 1, ".spec.scopes"),
            new PrinterColumn("Missing", "string", null, null, 0, ".spec.nothingHere"),
            new PrinterColumn("WrongType", "integer", null, null, 0, ".spec.application"));
        var key = Obj("""
            {"apiVersion":"appkeys.io/v1alpha1","kind":"ApplicationKey","metadata":{"name":"k","creationTimestamp":"2026-01-01T00:00:00Z"},
             "spec":{"application":"shop","replicas":2,"ratio":1.5,"enabled":true,"scopes":["a","b"]},
             "status":{"expiresAt":"2026-01-04T03:59:55Z","conditions":[{"type":"Ready","status":"True"}]}}
            """);
        var table = TableRenderer.Render(resource, [key], Options());
        Assert.Equal(["Name", "Application", "Ready", "Replicas", "Ratio", "Enabled", "Expires", "Scopes", "Missing", "WrongType"], ColumnNames(table));
        AssertJsonEqual("""["k","shop","True",2,1.5,true,"5s","[\"a\",\"b\"]",null,null]""", Cells(table));
        var defs = table["columnDefinitions"]!.AsArray();
        Assert.Equal("Custom resource definition column (in JSONPath format): .spec.application", (string?)defs[1]!["description"]);
        Assert.Equal("Readiness", (string?)defs[2]!["description"]);
        Assert.Equal("int32", (string?)defs[3]!["format"]);
        Assert.Equal(1, (int)defs[4]!["priority"]!);
    }

    [Fact]
    public void Custom_resources_without_columns_get_age()
    {
        var key = Obj("""{"metadata":{"name":"k","creationTimestamp":"2026-01-04T01:00:00Z"}}""");
        var table = TableRenderer.Render(ApplicationKey(), [key], Options());
        Assert.Equal(["Name", "Age"], ColumnNames(table));
        Assert.Equal("date", (string?)table["columnDefinitions"]![1]!["type"]);
        AssertJsonEqual("""["k","3h"]""", Cells(table));
    }

    [Fact]
    public void Invalid_dates_render_invalid()
    {
        var resource = Crd(new PrinterColumn("When", "date", null, null, 0, ".spec.when"));
        var table = TableRenderer.Render(resource, [Obj("""{"metadata":{"name":"k"},"spec":{"when":"soon"}}""")], Options());
        AssertJsonEqual("""["k","<invalid>"]""", Cells(table));
    }

    [Theory]
    [InlineData(null, true, IncludeObject.Metadata)]
    [InlineData("", true, IncludeObject.Metadata)]
    [InlineData("None", true, IncludeObject.None)]
    [InlineData("Object", true, IncludeObject.Object)]
    [InlineData("Metadata", true, IncludeObject.Metadata)]
    [InlineData("object", false, IncludeObject.Metadata)]
    public void Parses_include_object(string? value, bool ok, IncludeObject expected)
    {
        Assert.Equal(ok, TableOptions.TryParseIncludeObject(value, out var parsed));
        Assert.Equal(expected, parsed);
    }
}
