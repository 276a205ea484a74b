using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Schema;
using static AppKeys.LocalApiServer.Tests.Support.TestResources;

namespace AppKeys.LocalApiServer.Tests.Schema;

public class StructuralSchemaTests
{
    private const string SchemaJson = """
        {
          "type": "object",
          "properties": {
            "apiVersion": {"type": "string"},
            "kind": {"type": "string"},
            "metadata": {"type": "object", "properties": {"name": {"type": "string", "maxLength": 20}}},
            "spec": {
              "type": "object",
              "required": ["application", "keyType"],
              "properties": {
                "application": {"type": "string", "minLength": 3, "maxLength": 10, "pattern": "^[a-z][a-z0-9-]*$"},
                "keyType": {"type": "string", "enum": ["JWT", "Opaque"], "default": "JWT"},
                "validityPeriod": {"type": "integer", "format": "int64", "minimum": -1, "default": 3600},
                "ratio": {"type": "number", "maximum": 1, "exclusiveMaximum": true, "minimum": 0, "exclusiveMinimum": true},
                "step": {"type": "integer", "multipleOf": 5},
                "enabled": {"type": "boolean"},
                "port": {"x-kubernetes-int-or-string": true},
                "expires": {"type": "string", "format": "date-time"},
                "id": {"type": "string", "format": "uuid"},
                "cert": {"type": "string", "format": "byte"},
                "custom": {"type": "string", "format": "not-a-known-format"},
                "note": {"type": "string", "nullable": true},
                "scopes": {"type": "array", "maxItems": 3, "minItems": 1, "items": {"type": "string"}, "x-kubernetes-list-type": "set"},
                "grants": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}, "ttl": {"type": "integer", "default": 60}}},
                           "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"]},
                "labels": {"type": "object", "additionalProperties": {"type": "string", "maxLength": 5}, "maxProperties": 2, "minProperties": 1},
                "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": true, "properties": {"known": {"type": "integer"}}},
                "template": {"type": "object", "x-kubernetes-embedded-resource": true, "x-kubernetes-preserve-unknown-fields": true},
                "tls": {"type": "object", "default": {}, "properties": {"enabled": {"type": "boolean", "default": true}, "mode": {"type": "string"}}}
              }
            },
            "status": {"type": "object", "properties": {"phase": {"type": "string"}}}
          }
        }
        """;

    private static StructuralSchema Schema => StructuralSchema.FromOpenApiV3(Json(SchemaJson).AsObject());

    private static JsonObject Object(string spec) =>
        Json($$"""{"apiVersion":"appkeys.io/v1alpha1","kind":"ApplicationKey","metadata":{"name":"k"},"spec":{{spec}}}""").AsObject();

    public static TheoryData<string, string[]> ValidationCases => new()
    {
        { """{"application":"app","keyType":"JWT"}""", [] },
        { """{"application":"app","keyType":"JWT","validityPeriod":-1,"ratio":0.5,"step":10,"enabled":true,"port":"http","note":null}""", [] },
        { """{"application":"app","keyType":"JWT","port":8080,"expires":"2024-01-02T03:04:05Z","id":"123e4567-e89b-12d3-a456-426614174000","cert":"aGVsbG8=","custom":"anything"}""", [] },
        { """{"keyType":"JWT"}""", ["FieldValueRequired|spec.application|Required value"] },
        { """{}""", ["FieldValueRequired|spec.application|Required value", "FieldValueRequired|spec.keyType|Required value"] },
        { """{"application":"app","keyType":"Foo"}""", ["FieldValueNotSupported|spec.keyType|Unsupported value: \"Foo\": supported values: \"JWT\", \"Opaque\""] },
        { """{"application":"app","keyType":"JWT","validityPeriod":-5}""", ["FieldValueInvalid|spec.validityPeriod|Invalid value: -5: spec.validityPeriod in body should be greater than or equal to -1"] },
        { """{"application":"app","keyType":"JWT","validityPeriod":"x"}""", ["FieldValueTypeInvalid|spec.validityPeriod|Invalid value: \"string\": spec.validityPeriod in body must be of type integer: \"string\""] },
        { """{"application":"app","keyType":"JWT","validityPeriod":1.5}""", ["FieldValueTypeInvalid|spec.validityPeriod|Invalid value: \"number\": spec.validityPeriod in body must be of type integer: \"number\""] },
        { """{"application":"app","keyType":"JWT","validityPeriod":2.0}""", [] },
        { """{"application":"ab","keyType":"JWT"}""", ["FieldValueInvalid|spec.application|Invalid value: \"ab\": spec.application in body should be at least 3 chars long"] },
        { """{"application":"abcdefghijk","keyType":"JWT"}""", ["FieldValueTooLong|spec.application|Too long: may not be more than 10 bytes"] },
        { """{"application":"App","keyType":"JWT"}""", ["FieldValueInvalid|spec.application|Invalid value: \"App\": spec.application in body should match '^[a-z][a-z0-9-]*$'"] },
        { """{"application":"app","keyType":"JWT","ratio":1}""", ["FieldValueInvalid|spec.ratio|Invalid value: 1: spec.ratio in body should be less than 1"] },
        { """{"application":"app","keyType":"JWT","ratio":0}""", ["FieldValueInvalid|spec.ratio|Invalid value: 0: spec.ratio in body should be greater than 0"] },
        { """{"application":"app","keyType":"JWT","step":7}""", ["FieldValueInvalid|spec.step|Invalid value: 7: spec.step in body should be a multiple of 5"] },
        { """{"application":"app","keyType":"JWT","enabled":"yes"}""", ["FieldValueTypeInvalid|spec.enabled|Invalid value: \"string\": spec.enabled in body must be of type boolean: \"string\""] },
        { """{"application":"app","keyType":"JWT","port":true}""", ["FieldValueTypeInvalid|spec.port|Invalid value: \"boolean\": spec.port in body must be of type integer,string: \"boolean\""] },
        { """{"application":"app","keyType":"JWT","expires":"yesterday"}""", ["FieldValueTypeInvalid|spec.expires|Invalid value: \"yesterday\": spec.expires in body must be of type date-time: \"yesterday\""] },
        { """{"application":"app","keyType":"JWT","id":"nope"}""", ["FieldValueTypeInvalid|spec.id|Invalid value: \"nope\": spec.id in body must be of type uuid: \"nope\""] },
        { """{"application":"app","keyType":"JWT","cert":"***"}""", ["FieldValueTypeInvalid|spec.cert|Invalid value: \"***\": spec.cert in body must be of type byte: \"***\""] },
        { """{"application":"app","keyType":null}""", ["FieldValueTypeInvalid|spec.keyType|Invalid value: \"null\": spec.keyType in body must be of type string: \"null\""] },
        { """{"application":"app","keyType":"JWT","scopes":["a","b","c","d"]}""", ["FieldValueTooMany|spec.scopes|Too many: 4: must have at most 3 items"] },
        { """{"application":"app","keyType":"JWT","scopes":[]}""", ["FieldValueInvalid|spec.scopes|Invalid value: 0: spec.scopes in body should have at least 1 items"] },
        { """{"application":"app","keyType":"JWT","scopes":["a","a"]}""", ["FieldValueDuplicate|spec.scopes[1]|Duplicate value: \"a\""] },
        { """{"application":"app","keyType":"JWT","scopes":[1]}""", ["FieldValueTypeInvalid|spec.scopes[0]|Invalid value: \"integer\": spec.scopes[0] in body must be of type string: \"integer\""] },
        { """{"application":"app","keyType":"JWT","grants":[{"name":"a"},{"name":"b"},{"name":"a","ttl":1}]}""", ["FieldValueDuplicate|spec.grants[2]|Duplicate value: {\"name\":\"a\"}"] },
        { """{"application":"app","keyType":"JWT","labels":{"a":"toolong"}}""", ["FieldValueTooLong|spec.labels.a|Too long: may not be more than 5 bytes"] },
        { """{"application":"app","keyType":"JWT","labels":{"a":"1","b":"2","c":"3"}}""", ["FieldValueTooMany|spec.labels|Too many: 3: must have at most 2 items"] },
        { """{"application":"app","keyType":"JWT","labels":{}}""", ["FieldValueInvalid|spec.labels|Invalid value: 0: spec.labels in body should have at least 1 properties"] },
        { """{"application":"app","keyType":"JWT","extra":{"known":"x","unknown":"y"}}""", ["FieldValueTypeInvalid|spec.extra.known|Invalid value: \"string\": spec.extra.known in body must be of type integer: \"string\""] },
        { """{"application":"app","keyType":"JWT","template":{"apiVersion":"v1","kind":"ConfigMap"}}""", [] },
        { """{"application":"app","keyType":"JWT","template":{"data":{}}}""", ["FieldValueRequired|spec.template.apiVersion|Required value: must not be empty", "FieldValueRequired|spec.template.kind|Required value: must not be empty"] },
        { "\"notanobject\"", ["FieldValueTypeInvalid|spec|Invalid value: \"string\": spec in body must be of type object: \"string\""] },
    };

    [Theory]
    [MemberData(nameof(ValidationCases))]
    public void Validates_like_kube(string spec, string[] expected)
    {
        var errors = Schema.Validate(Object(spec));
        Assert.Equal(expected, errors.Select(e => $"{e.Reason}|{e.Field}|{e.Message}").ToArray());
    }

    [Fact]
    public void Validates_metadata_name_against_the_schema()
    {
        var obj = Object("""{"application":"app","keyType":"JWT"}""");
        obj["metadata"]!["name"] = "a-very-long-name-indeed-yes";
        var error = Assert.Single(Schema.Validate(obj));
        Assert.Equal("metadata.name", error.Field);
        Assert.Equal("metadata.name: Too long: may not be more than 20 bytes", error.ToString());
    }

    [Fact]
    public void Prunes_unknown_fields_and_reports_paths()
    {
        var obj = Object("""
            {"application":"app","keyType":"JWT","colour":"red","grants":[{"name":"a","bogus":1}],
             "labels":{"x":"y"},"extra":{"anything":{"deep":1}},"template":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"m"},"data":{"k":"v"}}}
            """);
        obj["topLevel"] = 1;
        obj["status"] = Json("""{"phase":"Ready","message":"x"}""");
        var pruned = Schema.Prune(obj);
        Assert.Equal(["spec.colour", "spec.grants[0].bogus", "status.message", "topLevel"], pruned.Order(StringComparer.Ordinal).ToArray());
        AssertJsonEqual("""
            {"apiVersion":"appkeys.io/v1alpha1","kind":"ApplicationKey","metadata":{"name":"k"},
             "spec":{"application":"app","keyType":"JWT","grants":[{"name":"a"}],"labels":{"x":"y"},"extra":{"anything":{"deep":1}},
                     "template":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"m"},"data":{"k":"v"}}},
             "status":{"phase":"Ready"}}
            """, obj);
    }

    [Fact]
    public void Keeps_root_metadata_untouched()
    {
        var obj = Object("""{"application":"app","keyType":"JWT"}""");
        obj["metadata"]!["labels"] = new JsonObject { ["a"] = "b" };
        Assert.Empty(Schema.Prune(obj));
        Assert.Equal("b", (string?)obj["metadata"]!["labels"]!["a"]);
    }

    [Theory]
    [InlineData("""{"application":"app"}""", """{"application":"app","keyType":"JWT","validityPeriod":3600,"tls":{"enabled":true}}""")]
    [InlineData("""{"application":"app","keyType":"Opaque","validityPeriod":5}""", """{"application":"app","keyType":"Opaque","validityPeriod":5,"tls":{"enabled":true}}""")]
    [InlineData("""{"application":"app","keyType":null,"mode":null,"note":null}""", """{"application":"app","keyType":"JWT","validityPeriod":3600,"note":null,"mode":null,"tls":{"enabled":true}}""")]
    [InlineData("""{"application":"app","tls":{"enabled":false,"mode":null}}""", """{"application":"app","keyType":"JWT","validityPeriod":3600,"tls":{"enabled":false}}""")]
    [InlineData("""{"application":"app","grants":[{"name":"a"},{"name":"b","ttl":5}]}""", """{"application":"app","keyType":"JWT","validityPeriod":3600,"tls":{"enabled":true},"grants":[{"name":"a","ttl":60},{"name":"b","ttl":5}]}""")]
    public void Applies_defaults_like_kube(string spec, string expectedSpec)
    {
        var obj = Object(spec);
        Schema.ApplyDefaults(obj);
        // "mode" under spec is unknown to the schema: defaulting leaves unknown fields alone (pruning removes them).
        AssertJsonEqual(expectedSpec, obj["spec"]);
    }

    [Fact]
    public void Does_not_default_when_the_spec_itself_is_absent()
    {
        var obj = Json("""{"apiVersion":"a/v1","kind":"K","metadata":{}}""");
        Schema.ApplyDefaults(obj);
        Assert.Null(obj["spec"]);
    }

    [Fact]
    public void AnyOf_and_not_are_enforced()
    {
        var schema = StructuralSchema.FromOpenApiV3(Json("""
            {"type":"object","properties":{"spec":{"type":"object",
              "properties":{"a":{"type":"string"},"b":{"type":"string"}},
              "anyOf":[{"required":["a"]},{"required":["b"]}],
              "not":{"required":["a","b"]}}}}
            """).AsObject());
        Assert.Empty(schema.Validate(Json("""{"spec":{"a":"x"}}""")));
        Assert.Equal("spec in body must validate at least one schema (anyOf)",
            Assert.Single(schema.Validate(Json("""{"spec":{}}"""))).Message.Split(": ", 3)[2]);
        Assert.Equal("FieldValueInvalid", Assert.Single(schema.Validate(Json("""{"spec":{"a":"x","b":"y"}}"""))).Reason);
    }
}
