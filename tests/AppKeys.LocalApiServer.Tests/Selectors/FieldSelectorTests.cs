using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Model;
using AppKeys.LocalApiServer.Selectors;

namespace AppKeys.LocalApiServer.Tests.Selectors;

public class FieldSelectorTests
{
    private static ApiResourceInfo Resource(string group, string kind, bool custom = false, params string[] selectable) => new()
    {
        Group = group,
        Version = "v1",
        Kind = kind,
        ListKind = kind + "List",
        Plural = kind.ToLowerInvariant() + "s",
        Singular = kind.ToLowerInvariant(),
        Namespaced = true,
        IsCustom = custom,
        SelectableFields = selectable,
    };

    [Theory]
    [InlineData("", "")]
    [InlineData("metadata.name=foo", "metadata.name=foo")]
    [InlineData("metadata.name==foo", "metadata.name==foo")]
    [InlineData("metadata.name!=foo", "metadata.name!=foo")]
    [InlineData("b=1,a=2", "a=2,b=1")]
    [InlineData("a=", "a=")]
    [InlineData("a=b\\,c", "a=b\\,c")]
    [InlineData("a=b\\=c", "a=b\\=c")]
    [InlineData("a=b\\\\c", "a=b\\\\c")]
    [InlineData("a=b,,c=d", "a=b,c=d")]
    public void Parses(string text, string canonical)
    {
        Assert.Equal(canonical, FieldSelector.Parse(text).ToString());
    }

    [Theory]
    [InlineData("a==b", "a", FieldSelectorOperator.DoubleEquals, "b")]
    [InlineData("a!=b", "a", FieldSelectorOperator.NotEquals, "b")]
    [InlineData("a=b\\,c", "a", FieldSelectorOperator.Equals, "b,c")]
    [InlineData("a=\\=", "a", FieldSelectorOperator.Equals, "=")]
    public void Exposes_requirements(string text, string field, FieldSelectorOperator op, string value)
    {
        var r = Assert.Single(FieldSelector.Parse(text).Requirements);
        Assert.Equal(new FieldRequirement(field, op, value), r);
    }

    [Theory]
    [InlineData("foo", "invalid selector: 'foo'; can't understand 'foo'")]
    [InlineData("a=b,c", "invalid selector: 'a=b,c'; can't understand 'c'")]
    [InlineData("a=b=c", "invalid field selector: unescaped character in value: 61")]
    [InlineData("a!==b", "invalid field selector: unescaped character in value: 61")]
    [InlineData("a=b\\x", "invalid field selector: invalid escape sequence: \\x")]
    [InlineData("a=b\\", "invalid field selector: invalid escape sequence: \\")]
    public void Rejects_with_kube_message(string text, string message)
    {
        var ex = Assert.Throws<SelectorParseException>(() => FieldSelector.Parse(text));
        Assert.Equal(message, ex.Message);
    }

    [Theory]
    [InlineData("metadata.name=a", true)]
    [InlineData("metadata.name==a", true)]
    [InlineData("metadata.name!=a", false)]
    [InlineData("metadata.name=b", false)]
    [InlineData("metadata.namespace=ns", true)]
    [InlineData("type=Opaque", true)]
    [InlineData("type=Opaque,metadata.name=b", false)]
    [InlineData("spec.missing=", true)]
    [InlineData("spec.missing!=x", true)]
    [InlineData("spec.replicas=3", true)]
    [InlineData("spec.enabled=true", true)]
    public void Matches_objects(string selector, bool expected)
    {
        var obj = JsonNode.Parse("""
            {"kind":"Secret","metadata":{"name":"a","namespace":"ns"},"type":"Opaque","spec":{"replicas":3,"enabled":true}}
            """)!.AsObject();
        Assert.Equal(expected, FieldSelector.Parse(selector).Matches(obj));
    }

    [Theory]
    [InlineData("involvedObject.name", "web")]
    [InlineData("involvedObject.kind", "Pod")]
    [InlineData("source", "kubelet")]
    [InlineData("reason", "Started")]
    [InlineData("metadata.name", "e1")]
    public void Reads_core_event_fields(string field, string expected)
    {
        var ev = JsonNode.Parse("""
            {"apiVersion":"v1","kind":"Event","metadata":{"name":"e1"},"involvedObject":{"kind":"Pod","name":"web"},
             "reason":"Started","source":{"component":"kubelet"}}
            """)!.AsObject();
        Assert.Equal(expected, FieldSelector.GetFieldValue(ev, field));
    }

    [Theory]
    [InlineData("involvedObject.name", "web")]
    [InlineData("reportingComponent", "ctrl")]
    [InlineData("source", "kubelet")]
    public void Reads_events_v1_fields_under_core_names(string field, string expected)
    {
        var ev = JsonNode.Parse("""
            {"apiVersion":"events.k8s.io/v1","kind":"Event","metadata":{"name":"e1"},"regarding":{"kind":"Pod","name":"web"},
             "reportingController":"ctrl","deprecatedSource":{"component":"kubelet"}}
            """)!.AsObject();
        Assert.Equal(expected, FieldSelector.GetFieldValue(ev, field));
    }

    [Fact]
    public void Objects_and_missing_are_null()
    {
        var obj = JsonNode.Parse("""{"spec":{"a":{"b":1}}}""")!.AsObject();
        Assert.Null(FieldSelector.GetFieldValue(obj, "spec.a"));
        Assert.Null(FieldSelector.GetFieldValue(obj, "spec.x"));
        Assert.Equal("1", FieldSelector.GetFieldValue(obj, "spec.a.b"));
    }

    [Theory]
    [InlineData("", "Secret", false, "type=Opaque", null)]
    [InlineData("", "Secret", false, "metadata.name=a,metadata.namespace=b", null)]
    [InlineData("", "ConfigMap", false, "type=Opaque", "type")]
    [InlineData("", "Namespace", false, "status.phase=Active", null)]
    [InlineData("", "Event", false, "involvedObject.name=a,involvedObject.namespace=b,involvedObject.kind=c,involvedObject.uid=d", null)]
    [InlineData("", "Event", false, "reason=x,type=Normal,source=s,reportingComponent=r", null)]
    [InlineData("", "Event", false, "message=x", "message")]
    [InlineData("appkeys.io", "ApplicationKey", true, "spec.color=red", "spec.color")]
    [InlineData("appkeys.io", "ApplicationKey", true, "spec.keyType=JWT", null)]
    [InlineData("appkeys.io", "Secret", true, "type=x", "type")]
    public void Validates_supported_fields(string group, string kind, bool custom, string selector, string? unsupported)
    {
        var resource = Resource(group, kind, custom, ".spec.keyType");
        Assert.Equal(unsupported, FieldSelector.ValidateFields(FieldSelector.Parse(selector), resource));
    }
}
