using System.Text.Json.Nodes;

namespace AppKeys.LocalApiServer.Tests.Cli;

/// <summary>
/// <c>kubectl apply</c> (client-side three-way merge, server-side apply, <c>-k</c>) as kubectl 1.32 prints it
/// against kube-apiserver (kubectl <c>pkg/cmd/apply/apply.go</c>, <c>patcher.go</c>).
/// </summary>
public sealed class KubectlApplyTests(KubectlFixture fx) : IClassFixture<KubectlFixture>
{
    [Fact]
    public async Task Apply_reports_created_unchanged_configured_for_a_custom_resource()
    {
        var ns = await fx.NewNamespaceAsync();
        var manifest = KubectlFixture.Widget(ns, "w1", 3, "red");
        Assert.Equal("widget.example.com/w1 created\n", await fx.OkStdinAsync(manifest, "apply", "-f", "-"));
        Assert.Equal("widget.example.com/w1 unchanged\n", await fx.OkStdinAsync(manifest, "apply", "-f", "-"));
        Assert.Equal("widget.example.com/w1 configured\n",
            await fx.OkStdinAsync(KubectlFixture.Widget(ns, "w1", 4, "red"), "apply", "-f", "-"));

        var w = await fx.GetAsync($"/apis/example.com/v1/namespaces/{ns}/widgets/w1");
        Assert.Equal(4, w!["spec"]!["size"]!.GetValue<int>());
        // Custom resources: generation counts spec changes (apiextensions-apiserver customresource/strategy.go).
        Assert.Equal(2, w["metadata"]!["generation"]!.GetValue<long>());
        var lastApplied = w["metadata"]!["annotations"]!["kubectl.kubernetes.io/last-applied-configuration"]!.GetValue<string>();
        Assert.Equal(4, JsonNode.Parse(lastApplied)!["spec"]!["size"]!.GetValue<int>());
    }

    [Fact]
    public async Task Reapply_without_a_field_removes_it_three_way()
    {
        var ns = await fx.NewNamespaceAsync();
        await fx.OkStdinAsync(KubectlFixture.Widget(ns, "w1", 3, "red"), "apply", "-f", "-");
        // A field the previous apply set and this one omits is deleted (merge patch null), a field set by
        // another writer is kept.
        await fx.OkAsync("patch", "widget", "w1", "-n", ns, "--type=merge", "-p", """{"metadata":{"labels":{"other":"x"}}}""");
        Assert.Equal("widget.example.com/w1 configured\n", await fx.OkStdinAsync(KubectlFixture.Widget(ns, "w1", 3), "apply", "-f", "-"));
        var w = await fx.GetAsync($"/apis/example.com/v1/namespaces/{ns}/widgets/w1");
        Assert.Null(w!["spec"]!["color"]);
        Assert.Equal("x", w["metadata"]!["labels"]!["other"]!.GetValue<string>());
    }

    [Fact]
    public async Task Apply_of_built_in_kinds_uses_strategic_merge_without_client_warnings()
    {
        var ns = await fx.NewNamespaceAsync();
        string Cm(string value, string extra) => $$"""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings, namespace: {{ns}}}
            data: {a: "{{value}}"{{extra}}}
            """;
        Assert.Equal("configmap/settings created\n", await fx.OkStdinAsync(Cm("1", ", b: \"2\""), "apply", "-f", "-"));
        Assert.Equal("configmap/settings unchanged\n", await fx.OkStdinAsync(Cm("1", ", b: \"2\""), "apply", "-f", "-"));
        // kubectl computes the strategic patch from the server's OpenAPI v3 document; a document without the
        // kind's fields makes it print "warning: error calculating patch from openapi v3 spec" (OkStdin fails on stderr).
        Assert.Equal("configmap/settings configured\n", await fx.OkStdinAsync(Cm("9", ""), "apply", "-f", "-"));
        var cm = await fx.GetAsync($"/api/v1/namespaces/{ns}/configmaps/settings");
        TestJson(cm!["data"], """{"a":"9"}""");

        var secret = $$"""
            apiVersion: v1
            kind: Secret
            metadata:
              name: creds
              namespace: {{ns}}
              labels: {app: demo}
            stringData: {user: admin}
            """;
        Assert.Equal("secret/creds created\n", await fx.OkStdinAsync(secret, "apply", "-f", "-"));
        Assert.Equal("secret/creds configured\n",
            await fx.OkStdinAsync(secret.Replace("admin", "root", StringComparison.Ordinal), "apply", "-f", "-"));
        var s = await fx.GetAsync($"/api/v1/namespaces/{ns}/secrets/creds");
        Assert.Equal("cm9vdA==", s!["data"]!["user"]!.GetValue<string>());
        Assert.Null(s["stringData"]);
    }

    [Fact]
    public async Task Apply_with_an_unknown_field_fails_strict_validation()
    {
        var ns = await fx.NewNamespaceAsync();
        var manifest = KubectlFixture.Widget(ns, "w1", 3) + "  colour: blue\n";
        var r = await fx.Kubectl.RunAsync(["apply", "-f", "-"], manifest);
        Assert.NotEqual(0, r.ExitCode);
        // kubectl sends fieldValidation=Strict; kube answers 400 "strict decoding error: unknown field".
        Assert.Contains("strict decoding error: unknown field \"spec.colour\"", r.StdErr, StringComparison.Ordinal);
        Assert.Null(await fx.GetAsync($"/apis/example.com/v1/namespaces/{ns}/widgets/w1"));
    }

    [Fact]
    public async Task Apply_with_an_invalid_value_reports_the_schema_cause()
    {
        var ns = await fx.NewNamespaceAsync();
        var r = await fx.Kubectl.RunAsync(["apply", "-f", "-"], KubectlFixture.Widget(ns, "w1", -1));
        Assert.NotEqual(0, r.ExitCode);
        // kubectl prints an Invalid Status as "The <details.kind> <name> is invalid: <causes>" (kubectl cmd/util/helpers.go).
        Assert.Contains("The Widget \"w1\" is invalid: spec.size: Invalid value: -1: spec.size in body should be greater than or equal to 0",
            r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_side_apply_records_the_field_manager()
    {
        var ns = await fx.NewNamespaceAsync();
        var manifest = KubectlFixture.Widget(ns, "w1", 3, "red");
        Assert.Equal("widget.example.com/w1 serverside-applied\n", await fx.OkStdinAsync(manifest, "apply", "--server-side", "-f", "-"));
        // The same values: "ci" co-owns the fields, no conflict.
        Assert.Equal("widget.example.com/w1 serverside-applied\n",
            await fx.OkStdinAsync(manifest, "apply", "--server-side", "--field-manager=ci", "-f", "-"));
        var w = await fx.GetAsync($"/apis/example.com/v1/namespaces/{ns}/widgets/w1");
        var managers = w!["metadata"]!["managedFields"]!.AsArray()
            .Select(m => (m!["manager"]!.GetValue<string>(), m["operation"]!.GetValue<string>())).ToList();
        Assert.Equal([("kubectl", "Apply"), ("ci", "Apply")], managers);
        // Server-side apply never writes the client-side annotation.
        Assert.Null(w["metadata"]!["annotations"]?["kubectl.kubernetes.io/last-applied-configuration"]);
    }

    [Fact]
    public async Task Server_side_apply_of_a_field_another_manager_owns_conflicts_unless_forced()
    {
        var ns = await fx.NewNamespaceAsync();
        await fx.OkStdinAsync(KubectlFixture.Widget(ns, "w1", 3, "red"), "apply", "--server-side", "--field-manager=a", "-f", "-");
        var changed = KubectlFixture.Widget(ns, "w1", 5, "red");
        var r = await fx.Kubectl.RunAsync(["apply", "--server-side", "--field-manager=b", "-f", "-"], changed);
        Assert.NotEqual(0, r.ExitCode);
        // kube answers 409 "Apply failed with 1 conflict: ..." and kubectl appends its advice (cmd/apply/apply.go).
        Assert.StartsWith("error: Apply failed with 1 conflict: conflict with \"a\": .spec.size\n"
            + "Please review the fields above--they currently have other managers.", r.StdErr, StringComparison.Ordinal);
        Assert.Contains("--force-conflicts", r.StdErr, StringComparison.Ordinal);
        Assert.Equal(3, (await fx.GetAsync($"/apis/example.com/v1/namespaces/{ns}/widgets/w1"))!["spec"]!["size"]!.GetValue<int>());

        Assert.Equal("widget.example.com/w1 serverside-applied\n",
            await fx.OkStdinAsync(changed, "apply", "--server-side", "--field-manager=b", "--force-conflicts", "-f", "-"));
        var yaml = await fx.OkAsync("get", "widgets", "w1", "-n", ns, "-o", "yaml", "--show-managed-fields");
        // "a" keeps only the field it still shares (color); "b" owns both.
        Assert.Contains("    fieldsV1:\n      f:spec:\n        f:color: {}\n    manager: a\n    operation: Apply\n", yaml, StringComparison.Ordinal);
        Assert.Contains("    fieldsV1:\n      f:spec:\n        f:color: {}\n        f:size: {}\n    manager: b\n    operation: Apply\n",
            yaml, StringComparison.Ordinal);
        Assert.Contains("  size: 5\n", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_dry_run_server_changes_nothing()
    {
        var ns = await fx.NewNamespaceAsync();
        Assert.Equal("widget.example.com/w1 created (server dry run)\n",
            await fx.OkStdinAsync(KubectlFixture.Widget(ns, "w1", 3), "apply", "--dry-run=server", "-f", "-"));
        Assert.Null(await fx.GetAsync($"/apis/example.com/v1/namespaces/{ns}/widgets/w1"));
    }

    [Fact]
    public async Task Apply_k_renders_the_kustomization_and_applies_every_object()
    {
        var ns = await fx.NewNamespaceAsync();
        var dir = Directory.CreateTempSubdirectory("appkeys-kustomize-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir, "kustomization.yaml"), $$"""
                namespace: {{ns}}
                namePrefix: kz-
                labels:
                - pairs: {app: demo}
                  includeSelectors: false
                resources: [sa.yaml, role.yaml, widget.yaml]
                configMapGenerator:
                - name: settings
                  literals: [mode=fast]
                secretGenerator:
                - name: creds
                  literals: [token=abc]
                """);
            await File.WriteAllTextAsync(Path.Combine(dir, "sa.yaml"), "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: runner}\n");
            await File.WriteAllTextAsync(Path.Combine(dir, "role.yaml"), """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: reader}
                rules: [{apiGroups: [""], resources: [configmaps], verbs: [get, list]}]
                """);
            await File.WriteAllTextAsync(Path.Combine(dir, "widget.yaml"), "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 1}\n");

            var first = await fx.OkAsync("apply", "-k", dir);
            var created = first.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(5, created.Length);
            Assert.All(created, line => Assert.EndsWith(" created", line, StringComparison.Ordinal));
            Assert.Contains("serviceaccount/kz-runner created", created);
            Assert.Contains("role.rbac.authorization.k8s.io/kz-reader created", created);
            Assert.Contains("widget.example.com/kz-w created", created);
            Assert.Contains(created, l => l.StartsWith("configmap/kz-settings-", StringComparison.Ordinal));
            Assert.Contains(created, l => l.StartsWith("secret/kz-creds-", StringComparison.Ordinal));

            var second = await fx.OkAsync("apply", "-k", dir);
            Assert.All(second.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.EndsWith(" unchanged", line, StringComparison.Ordinal));

            var names = await fx.OkAsync("get", "sa,role,configmaps,secrets,widgets", "-n", ns, "-l", "app=demo", "-o", "name");
            Assert.Equal(5, names.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
            var deleted = await fx.OkAsync("delete", "-k", dir);
            Assert.Equal(5, deleted.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.EndsWith("\" deleted", StringComparison.Ordinal)));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Apply_of_a_crd_then_its_objects_refreshes_discovery()
    {
        var crd = KubectlFixture.WidgetCrd
            .Replace("widgets.example.com", "gadgets.example.com", StringComparison.Ordinal)
            .Replace("kind: Widget, listKind: WidgetList, plural: widgets, singular: widget, shortNames: [wd]",
                "kind: Gadget, listKind: GadgetList, plural: gadgets, singular: gadget, shortNames: [gd]", StringComparison.Ordinal);
        Assert.Equal("customresourcedefinition.apiextensions.k8s.io/gadgets.example.com created\n", await fx.OkStdinAsync(crd, "apply", "-f", "-"));
        Assert.Equal("customresourcedefinition.apiextensions.k8s.io/gadgets.example.com unchanged\n", await fx.OkStdinAsync(crd, "apply", "-f", "-"));
        var ns = await fx.NewNamespaceAsync();
        var gadget = KubectlFixture.Widget(ns, "g1", 2).Replace("kind: Widget", "kind: Gadget", StringComparison.Ordinal);
        Assert.Equal("gadget.example.com/g1 created\n", await fx.OkStdinAsync(gadget, "apply", "-f", "-"));
        Assert.Equal("gadget.example.com/g1\n", await fx.OkAsync("get", "gd", "-n", ns, "-o", "name"));
        var wait = await fx.OkAsync("wait", "crd/gadgets.example.com", "--for=condition=Established", "--timeout=10s");
        Assert.Equal("customresourcedefinition.apiextensions.k8s.io/gadgets.example.com condition met\n", wait);
    }

    private static void TestJson(JsonNode? actual, string expected) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"expected {expected}, got {actual?.ToJsonString()}");
}
