using System.Text.Json.Nodes;

namespace AppKeys.LocalApiServer.Tests.Cli;

/// <summary>
/// <c>kubectl apply --server-side</c> as structured-merge-diff does it: a manager that re-applies without a field it
/// applied before removes it (unless another manager owns it), and lists of kind map (<c>x-kubernetes-list-map-keys</c>)
/// and set are owned per element, by Apply and Update managers alike.
/// </summary>
public sealed class KubectlServerSideApplyTests(KubectlFixture fx) : IClassFixture<KubectlFixture>
{
    private const string GadgetCrd = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: gadgets.ssa.example.com}
        spec:
          group: ssa.example.com
          names: {kind: Gadget, plural: gadgets, singular: gadget}
          scope: Namespaced
          versions:
          - name: v1
            served: true
            storage: true
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    properties:
                      owner: {type: string}
                      ports:
                        type: array
                        x-kubernetes-list-type: map
                        x-kubernetes-list-map-keys: [name]
                        items:
                          type: object
                          required: [name]
                          properties:
                            name: {type: string}
                            port: {type: integer}
                      tags:
                        type: array
                        x-kubernetes-list-type: set
                        items: {type: string}
        """;

    private static string ConfigMap(string ns, string data, string labels = "") => $$"""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: cm
          namespace: {{ns}}
        {{labels}}
        data: {{data}}
        """;

    private static string Gadget(string ns, string spec) => $$"""
        apiVersion: ssa.example.com/v1
        kind: Gadget
        metadata: {name: g, namespace: {{ns}}}
        spec: {{spec}}
        """;

    private Task<string> ApplyAsync(string manifest, string manager) =>
        fx.OkStdinAsync(manifest, "apply", "--server-side", $"--field-manager={manager}", "-f", "-");

    [Fact]
    public async Task Reapplying_without_a_field_removes_it_unless_another_manager_owns_it()
    {
        var ns = await fx.NewNamespaceAsync();
        await ApplyAsync(ConfigMap(ns, "{a: '1', b: '2'}", "  labels: {team: x, tier: web}"), "m1");
        Assert.Equal("configmap/cm serverside-applied\n", await ApplyAsync(ConfigMap(ns, "{a: '1'}", "  labels: {team: x}"), "m1"));
        var cm = JsonNode.Parse(await fx.OkAsync("get", "configmap", "cm", "-n", ns, "-o", "json"))!;
        Assert.Equal("""{"a":"1"}""", cm["data"]!.ToJsonString());
        Assert.Equal("""{"team":"x"}""", cm["metadata"]!["labels"]!.ToJsonString());

        // m2 applies the same a (shared ownership) and c: m1 dropping a leaves it, as m2 still owns it.
        await ApplyAsync(ConfigMap(ns, "{a: '1', c: '3'}"), "m2");
        await ApplyAsync(ConfigMap(ns, "{d: '4'}", "  labels: {team: x}"), "m1");
        cm = JsonNode.Parse(await fx.OkAsync("get", "configmap", "cm", "-n", ns, "-o", "json"))!;
        Assert.Equal("""{"a":"1","c":"3","d":"4"}""", cm["data"]!.ToJsonString());

        // A different value for a field m2 owns is a conflict kubectl reports, until forced.
        var conflict = await fx.Kubectl.RunAsync(["apply", "--server-side", "--field-manager=m1", "-f", "-"], ConfigMap(ns, "{c: '9', d: '4'}", "  labels: {team: x}"));
        Assert.NotEqual(0, conflict.ExitCode);
        Assert.Contains("""error: Apply failed with 1 conflict: conflict with "m2": .data.c""", conflict.StdErr, StringComparison.Ordinal);
        await fx.OkStdinAsync(ConfigMap(ns, "{c: '9', d: '4'}", "  labels: {team: x}"), "apply", "--server-side", "--field-manager=m1", "--force-conflicts", "-f", "-");
        // m2 lost c to m1; m2 re-applying without a removes a (nobody else owns it).
        await ApplyAsync(ConfigMap(ns, "{}"), "m2");
        cm = JsonNode.Parse(await fx.OkAsync("get", "configmap", "cm", "-n", ns, "-o", "json"))!;
        Assert.Equal("""{"c":"9","d":"4"}""", cm["data"]!.ToJsonString());
    }

    [Fact]
    public async Task Map_and_set_lists_of_a_custom_resource_are_owned_per_element()
    {
        await fx.OkStdinAsync(GadgetCrd, "apply", "-f", "-");
        var ns = await fx.NewNamespaceAsync();
        await ApplyAsync(Gadget(ns, "{owner: a, ports: [{name: http, port: 80}], tags: [red]}"), "m1");
        await ApplyAsync(Gadget(ns, "{ports: [{name: https, port: 443}], tags: [blue]}"), "m2");
        var g = JsonNode.Parse(await fx.OkAsync("get", "gadget", "g", "-n", ns, "-o", "json", "--show-managed-fields"))!;
        Assert.Equal("""[{"name":"http","port":80},{"name":"https","port":443}]""", g["spec"]!["ports"]!.ToJsonString());
        Assert.Equal("""["red","blue"]""", g["spec"]!["tags"]!.ToJsonString());
        var m2 = g["metadata"]!["managedFields"]!.AsArray().Single(e => e!["manager"]!.GetValue<string>() == "m2")!;
        var expected = JsonNode.Parse("""{"f:spec":{"f:ports":{"k:{\"name\":\"https\"}":{".":{},"f:name":{},"f:port":{}}},"f:tags":{"v:\"blue\"":{}}}}""");
        Assert.True(JsonNode.DeepEquals(expected, m2["fieldsV1"]), m2["fieldsV1"]!.ToJsonString());

        // m1 drops its element and its set value: only they go.
        await ApplyAsync(Gadget(ns, "{owner: a}"), "m1");
        g = JsonNode.Parse(await fx.OkAsync("get", "gadget", "g", "-n", ns, "-o", "json"))!;
        Assert.Equal("""[{"name":"https","port":443}]""", g["spec"]!["ports"]!.ToJsonString());
        Assert.Equal("""["blue"]""", g["spec"]!["tags"]!.ToJsonString());

        // An Update (kubectl edit/replace) owns what it changed inside an element; applying another value conflicts on that field.
        var replaced = g.DeepClone().AsObject();
        replaced["spec"]!["ports"]![0]!["port"] = 8443;
        replaced["metadata"]!.AsObject().Remove("managedFields");
        await fx.OkStdinAsync(replaced.ToJsonString(), "replace", "--field-manager=editor", "-f", "-");
        var conflict = await fx.Kubectl.RunAsync(["apply", "--server-side", "--field-manager=m2", "-f", "-"], Gadget(ns, "{ports: [{name: https, port: 443}], tags: [blue]}"));
        Assert.NotEqual(0, conflict.ExitCode);
        Assert.Contains("""error: Apply failed with 1 conflict: conflict with "editor" using ssa.example.com/v1: .spec.ports[name="https"].port""", conflict.StdErr, StringComparison.Ordinal);
    }
}
