using System.Text.Json.Nodes;

namespace AppKeys.LocalApiServer.Tests.Server;

/// <summary>
/// CRD <c>x-kubernetes-validations</c> at admission, with kube 1.32's texts: rules per schema node, messages,
/// messageExpression, reasons, fieldPath, transition rules (skipped on create), ratcheting of unchanged values, the
/// status subresource, runtime errors, and rules that do not compile refused when the CRD is written.
/// </summary>
public sealed class CelValidationTests(ApiServerFixture fx) : IClassFixture<ApiServerFixture>
{
    private const string Schema = """
        {"type":"object","properties":{
          "spec":{"type":"object",
            "x-kubernetes-validations":[
              {"rule":"self.min <= self.max","message":"min must not exceed max"},
              {"rule":"!has(self.mode) || self.mode != 'off' || self.max == 0","messageExpression":"'max must be 0 when off, not ' + string(self.max)"},
              {"rule":"self.name.startsWith('app-')","fieldPath":".name","reason":"FieldValueForbidden","message":"name must start with app-"},
              {"rule":"self.name == oldSelf.name","message":"name is immutable"}],
            "properties":{
              "min":{"type":"integer"},"max":{"type":"integer"},"name":{"type":"string"},"mode":{"type":"string"},
              "ratio":{"type":"integer","x-kubernetes-validations":[{"rule":"10 / self > 1"}]},
              "ports":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["name"],
                "items":{"type":"object","required":["name"],
                  "x-kubernetes-validations":[{"rule":"self.port > 0 && self.port < 65536","message":"port out of range"},
                                              {"rule":"self.port == oldSelf.port","reason":"FieldValueForbidden","message":"port is immutable"}],
                  "properties":{"name":{"type":"string"},"port":{"type":"integer"}}}},
              "tags":{"type":"array","items":{"type":"string"},"x-kubernetes-validations":[{"rule":"self.all(t, t.lowerAscii() == t) && self.exists_one(t, t == 'primary')","reason":"FieldValueDuplicate"}]}}},
          "status":{"type":"object","properties":{"ready":{"type":"integer"}},
            "x-kubernetes-validations":[{"rule":"self.ready >= 0","message":"ready must not be negative"}]}}}
        """;

    private static string Gadget(string name, string spec) =>
        $$"""{"apiVersion":"GROUP/v1","kind":"Gadget","metadata":{"name":"{{name}}"},"spec":{{spec}}}""";

    private async Task<(string Group, string Ns)> SetUpAsync()
    {
        var group = await fx.CreateCrdAsync("Gadget", Schema, statusSubresource: true);
        return (group, await fx.NewNamespaceAsync());
    }

    private async Task<(int Code, JsonNode? Body)> CreateAsync(string group, string ns, string name, string spec)
    {
        var (code, body, _) = await fx.SendAsync(HttpMethod.Post, $"/apis/{group}/v1/namespaces/{ns}/gadgets", Gadget(name, spec).Replace("GROUP", group, StringComparison.Ordinal));
        return (code, body);
    }

    private static string Message(JsonNode? body) => body!["message"]!.GetValue<string>();

    [Fact]
    public async Task Rules_reject_with_kubes_texts_and_causes()
    {
        var (group, ns) = await SetUpAsync();

        var (code, body) = await CreateAsync(group, ns, "g1", """{"min":5,"max":1,"name":"web","tags":["primary"]}""");
        Assert.Equal(422, code);
        Assert.Equal("Gadget.GROUP \"g1\" is invalid: [spec: Invalid value: \"object\": min must not exceed max, spec.name: Forbidden: name must start with app-]"
            .Replace("GROUP", group, StringComparison.Ordinal), Message(body));
        var causes = body!["details"]!["causes"]!.AsArray();
        Assert.Equal("FieldValueInvalid", causes[0]!["reason"]!.GetValue<string>());
        Assert.Equal("spec", causes[0]!["field"]!.GetValue<string>());
        Assert.Equal("FieldValueForbidden", causes[1]!["reason"]!.GetValue<string>());
        Assert.Equal("spec.name", causes[1]!["field"]!.GetValue<string>());

        // messageExpression; a rule without a message; a reason Duplicate; a rule on list items (per item).
        (code, body) = await CreateAsync(group, ns, "g2", """{"min":0,"max":3,"name":"app-x","mode":"off","tags":["Primary"],"ports":[{"name":"a","port":80},{"name":"b","port":70000}]}""");
        Assert.Equal(422, code);
        Assert.Equal($"Gadget.{group} \"g2\" is invalid: [spec: Invalid value: \"object\": max must be 0 when off, not 3, spec.tags: Duplicate value: \"array\", spec.ports[1]: Invalid value: \"object\": port out of range]",
            Message(body));

        // A runtime error: kube's "<error> evaluating rule: <rule>".
        (code, body) = await CreateAsync(group, ns, "g3", """{"min":0,"max":1,"name":"app-x","ratio":0}""");
        Assert.Equal(422, code);
        Assert.Equal($"Gadget.{group} \"g3\" is invalid: spec.ratio: Invalid value: \"integer\": division by zero evaluating rule: 10 / self > 1", Message(body));
        (code, body) = await CreateAsync(group, ns, "g3", """{"min":0,"max":1,"name":"app-x","ratio":20}""");
        Assert.Equal(422, code);
        Assert.Equal($"Gadget.{group} \"g3\" is invalid: spec.ratio: Invalid value: \"integer\": failed rule: 10 / self > 1", Message(body));
        (code, body) = await CreateAsync(group, ns, "g3", """{"max":1,"name":"app-x"}""");
        Assert.Equal(422, code);
        Assert.Equal($"Gadget.{group} \"g3\" is invalid: spec: Invalid value: \"object\": no such key: min evaluating rule: min must not exceed max", Message(body));

        (code, body) = await CreateAsync(group, ns, "g3", """{"min":0,"max":1,"name":"app-x","ratio":5,"tags":["primary","b"]}""");
        Assert.True(code == 201, body?.ToJsonString());
    }

    [Fact]
    public async Task Transition_rules_run_on_update_only_and_unchanged_values_are_ratcheted()
    {
        var (group, ns) = await SetUpAsync();
        var path = $"/apis/{group}/v1/namespaces/{ns}/gadgets/g";
        // Created with name "app-a": the transition rule (oldSelf) does not run on create.
        var (code, body) = await CreateAsync(group, ns, "g", """{"min":0,"max":1,"name":"app-a","ports":[{"name":"http","port":80}]}""");
        Assert.True(code == 201, body?.ToJsonString());

        (code, body, _) = await fx.SendAsync(HttpMethod.Patch, path, """{"spec":{"name":"app-b"}}""", "application/merge-patch+json");
        Assert.Equal(422, code);
        Assert.Equal($"Gadget.{group} \"g\" is invalid: spec: Invalid value: \"object\": name is immutable", Message(body));

        // Items of a map list correlate by key: changing the port of "http" is a transition; adding "https" is not.
        (code, body, _) = await fx.SendAsync(HttpMethod.Patch, path, """{"spec":{"ports":[{"name":"http","port":81}]}}""", "application/merge-patch+json");
        Assert.Equal(422, code);
        Assert.Equal($"Gadget.{group} \"g\" is invalid: spec.ports[0]: Forbidden: port is immutable", Message(body));
        (code, body, _) = await fx.SendAsync(HttpMethod.Patch, path, """{"spec":{"ports":[{"name":"http","port":80},{"name":"https","port":443}]}}""", "application/merge-patch+json");
        Assert.True(code == 200, body?.ToJsonString());

        // The status subresource is validated too.
        (code, body, _) = await fx.SendAsync(HttpMethod.Patch, path + "/status", """{"status":{"ready":-1}}""", "application/merge-patch+json");
        Assert.Equal(422, code);
        Assert.Equal($"Gadget.{group} \"g\" is invalid: status: Invalid value: \"object\": ready must not be negative", Message(body));
        (code, _, _) = await fx.SendAsync(HttpMethod.Patch, path + "/status", """{"status":{"ready":2}}""", "application/merge-patch+json");
        Assert.Equal(200, code);
    }

    [Fact]
    public async Task A_value_of_the_wrong_type_stops_rule_evaluation_as_in_kube()
    {
        var (group, ns) = await SetUpAsync();
        var (code, body) = await CreateAsync(group, ns, "g", """{"min":"zero","max":1,"name":"x"}""");
        Assert.Equal(422, code);
        Assert.Equal($"Gadget.{group} \"g\" is invalid: [spec.min: Invalid value: \"string\": spec.min in body must be of type integer: \"string\", <nil>: Invalid value: \"null\": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation]",
            Message(body));
    }

    [Fact]
    public async Task A_crd_whose_rule_does_not_compile_is_refused()
    {
        var schema = """{"type":"object","properties":{"spec":{"type":"object","x-kubernetes-validations":[{"rule":"self.a +"},{"rule":"true","reason":"Nope"}]}}}""";
        var crd = """
            {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"bads.cel.example.com"},
             "spec":{"group":"cel.example.com","scope":"Namespaced","names":{"plural":"bads","kind":"Bad"},
               "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":SCHEMA}}]}}
            """.Replace("SCHEMA", schema, StringComparison.Ordinal);
        var (code, body, _) = await fx.SendAsync(HttpMethod.Post, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd);
        Assert.True(code == 422, body?.ToJsonString());
        var causes = body!["details"]!["causes"]!.AsArray();
        Assert.Equal("spec.versions[0].schema.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule", causes[0]!["field"]!.GetValue<string>());
        Assert.StartsWith("""
            Invalid value: apiextensions.ValidationRule{Rule:"self.a +", Message:"", MessageExpression:"", Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:"", OptionalOldSelf:(*bool)(nil)}: compilation failed: ERROR: <input>:1:9: Syntax error: mismatched input '<EOF>' expecting
            """, causes[0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.EndsWith("\n | self.a +\n | ........^", causes[0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("spec.versions[0].schema.openAPIV3Schema.properties[spec].x-kubernetes-validations[1].reason", causes[1]!["field"]!.GetValue<string>());
        Assert.Equal("Unsupported value: \"Nope\": supported values: \"FieldValueDuplicate\", \"FieldValueForbidden\", \"FieldValueInvalid\", \"FieldValueRequired\"",
            causes[1]!["message"]!.GetValue<string>());
    }
}
