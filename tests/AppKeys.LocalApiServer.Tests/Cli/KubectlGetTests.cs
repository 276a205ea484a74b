using System.Text.Json.Nodes;

namespace AppKeys.LocalApiServer.Tests.Cli;

/// <summary>
/// <c>kubectl get</c> and <c>describe</c>: server-side Tables (apiextensions-apiserver
/// <c>pkg/registry/customresource/tableconvertor/tableconvertor.go</c>, <c>pkg/printers/internalversion/printers.go</c>),
/// output formats, label and field selectors, all namespaces.
/// </summary>
public sealed class KubectlGetTests(KubectlFixture fx) : IClassFixture<KubectlFixture>
{
    private async Task<string> SeedAsync()
    {
        var ns = await fx.NewNamespaceAsync();
        await fx.OkStdinAsync(
            KubectlFixture.Widget(ns, "small", 1, "red", "{tier: bronze, team: a}") + "---\n" +
            KubectlFixture.Widget(ns, "large", 9, "blue", "{tier: gold, team: b}") + "---\n" +
            KubectlFixture.Widget(ns, "plain", 5),
            "apply", "-f", "-");
        return ns;
    }

    [Fact]
    public async Task Table_uses_the_printer_columns_and_hides_priority_columns_unless_wide()
    {
        var ns = await SeedAsync();
        await fx.OkAsync("patch", "widget", "large", "-n", ns, "--subresource=status", "--type=merge",
            "-p", """{"status":{"conditions":[{"type":"Ready","status":"True"}]}}""");

        var table = await fx.OkAsync("get", "widgets", "-n", ns);
        // Name first, then the CRD's columns in order; the priority-1 Color column only with -o wide.
        Assert.Equal(["NAME", "SIZE", "READY", "AGE"], KubectlFixture.Headers(table));
        var rows = KubectlFixture.Table(table);
        Assert.Equal(["large", "plain", "small"], rows.Select(r => r["NAME"]));
        Assert.Equal("9", rows[0]["SIZE"]);
        Assert.Equal("True", rows[0]["READY"]);
        Assert.Equal("", rows[1]["READY"]);
        // date columns are rendered by the server as an age ("0s", "5m", ...), never as a timestamp.
        Assert.Matches("^[0-9]+s$", rows[0]["AGE"]);

        var wide = await fx.OkAsync("get", "wd", "-n", ns, "-o", "wide");
        Assert.Equal(["NAME", "SIZE", "COLOR", "READY", "AGE"], KubectlFixture.Headers(wide));
        Assert.Equal("blue", KubectlFixture.Table(wide)[0]["COLOR"]);
    }

    [Fact]
    public async Task Built_in_tables_have_kube_columns()
    {
        var ns = await fx.NewNamespaceAsync();
        await fx.OkAsync("create", "secret", "generic", "creds", "-n", ns, "--from-literal=a=1", "--from-literal=b=2");
        await fx.OkAsync("create", "configmap", "settings", "-n", ns, "--from-literal=a=1");
        await fx.OkAsync("create", "serviceaccount", "runner", "-n", ns);
        await fx.OkAsync("create", "role", "reader", "-n", ns, "--verb=get", "--resource=configmaps");
        await fx.OkAsync("create", "rolebinding", "read", "-n", ns, "--role=reader", "--serviceaccount=" + ns + ":runner", "--user=jane");

        var secrets = await fx.OkAsync("get", "secrets", "-n", ns);
        Assert.Equal(["NAME", "TYPE", "DATA", "AGE"], KubectlFixture.Headers(secrets));
        Assert.Equal("Opaque", KubectlFixture.Table(secrets)[0]["TYPE"]);
        Assert.Equal("2", KubectlFixture.Table(secrets)[0]["DATA"]);
        Assert.Equal(["NAME", "DATA", "AGE"], KubectlFixture.Headers(await fx.OkAsync("get", "configmaps", "settings", "-n", ns)));
        var sa = await fx.OkAsync("get", "serviceaccount", "runner", "-n", ns);
        Assert.Equal(["NAME", "SECRETS", "AGE"], KubectlFixture.Headers(sa));
        Assert.Equal("0", KubectlFixture.Table(sa)[0]["SECRETS"]);
        Assert.Equal(["NAME", "CREATED AT"], KubectlFixture.Headers(await fx.OkAsync("get", "role", "reader", "-n", ns)));
        var binding = await fx.OkAsync("get", "rolebinding", "read", "-n", ns, "-o", "wide");
        Assert.Equal(["NAME", "ROLE", "AGE", "USERS", "GROUPS", "SERVICEACCOUNTS"], KubectlFixture.Headers(binding));
        var row = KubectlFixture.Table(binding)[0];
        Assert.Equal("Role/reader", row["ROLE"]);
        Assert.Equal("jane", row["USERS"]);
        Assert.Equal(ns + "/runner", row["SERVICEACCOUNTS"]);
        var nsTable = await fx.OkAsync("get", "namespace", ns);
        Assert.Equal(["NAME", "STATUS", "AGE"], KubectlFixture.Headers(nsTable));
        Assert.Equal("Active", KubectlFixture.Table(nsTable)[0]["STATUS"]);
    }

    [Fact]
    public async Task Output_formats_json_yaml_name_jsonpath_and_custom_columns()
    {
        var ns = await SeedAsync();
        var json = JsonNode.Parse(await fx.OkAsync("get", "widget", "small", "-n", ns, "-o", "json"))!;
        Assert.Equal("Widget", json["kind"]!.GetValue<string>());
        Assert.Equal("example.com/v1", json["apiVersion"]!.GetValue<string>());
        Assert.Equal(1, json["spec"]!["size"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(json["metadata"]!["uid"]!.GetValue<string>()));

        var list = JsonNode.Parse(await fx.OkAsync("get", "widgets", "-n", ns, "-o", "json"))!;
        Assert.Equal("List", list["kind"]!.GetValue<string>());
        Assert.Equal(3, list["items"]!.AsArray().Count);

        var yaml = await fx.OkAsync("get", "widget", "small", "-n", ns, "-o", "yaml");
        Assert.Contains("kind: Widget\n", yaml, StringComparison.Ordinal);
        Assert.Contains("  size: 1\n", yaml, StringComparison.Ordinal);

        Assert.Equal("widget.example.com/large\nwidget.example.com/plain\nwidget.example.com/small\n",
            await fx.OkAsync("get", "widgets", "-n", ns, "-o", "name"));
        Assert.Equal("large=9 plain=5 small=1 ",
            await fx.OkAsync("get", "widgets", "-n", ns, "-o", "jsonpath={range .items[*]}{.metadata.name}={.spec.size} {end}"));
        var custom = await fx.OkAsync("get", "widgets", "-n", ns, "-o", "custom-columns=N:.metadata.name,C:.spec.color");
        Assert.Equal("<none>", KubectlFixture.Table(custom).Single(r => r["N"] == "plain")["C"]);
    }

    [Theory]
    [InlineData("tier=gold", "large")]
    [InlineData("tier==gold", "large")]
    [InlineData("tier!=gold", "plain,small")]
    [InlineData("tier in (gold,bronze)", "large,small")]
    [InlineData("tier notin (gold)", "plain,small")]
    [InlineData("team", "large,small")]
    [InlineData("!team", "plain")]
    [InlineData("team=a,tier=bronze", "small")]
    [InlineData("team=a,tier=gold", "")]
    public async Task Label_selectors(string selector, string expected)
    {
        var ns = await SeedAsync();
        var r = await fx.Kubectl.RunAsync("get", "widgets", "-n", ns, "-l", selector, "-o", "jsonpath={.items[*].metadata.name}");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(expected.Replace(',', ' '), r.StdOut);
    }

    [Fact]
    public async Task Field_selectors_and_their_errors()
    {
        var ns = await SeedAsync();
        Assert.Equal("small", await fx.OkAsync("get", "widgets", "-n", ns, "--field-selector", "metadata.name=small", "-o", "jsonpath={.items[*].metadata.name}"));
        Assert.Equal("large plain", await fx.OkAsync("get", "widgets", "-n", ns, "--field-selector", "metadata.name!=small", "-o", "jsonpath={.items[*].metadata.name}"));
        Assert.Equal(ns, await fx.OkAsync("get", "widgets", "-A", "--field-selector", $"metadata.namespace=={ns},metadata.name=large", "-o", "jsonpath={.items[*].metadata.namespace}"));
        var none = await fx.Kubectl.RunAsync("get", "widgets", "-n", ns, "--field-selector", "metadata.name=nothing");
        Assert.Equal(0, none.ExitCode);
        Assert.Equal($"No resources found in {ns} namespace.\n", none.StdErr);

        // Custom resources support only metadata.name/namespace (and selectableFields): kube's 400.
        var bad = await fx.FailAsync("get", "widgets", "-n", ns, "--field-selector", "spec.size=1");
        Assert.Contains("field label not supported: spec.size", bad.StdErr, StringComparison.Ordinal);
        var badLabel = await fx.FailAsync("get", "widgets", "-n", ns, "-l", "tier in (gold");
        Assert.Contains("unable to parse requirement: found '', expected: ',' or ')'", badLabel.StdErr, StringComparison.Ordinal);

        await fx.OkAsync("create", "secret", "generic", "plain-secret", "-n", ns, "--from-literal=a=b");
        await fx.OkAsync("create", "secret", "docker-registry", "pull", "-n", ns, "--docker-server=r.example.com", "--docker-username=u", "--docker-password=p");
        Assert.Equal("pull", await fx.OkAsync("get", "secrets", "-n", ns, "--field-selector", "type=kubernetes.io/dockerconfigjson", "-o", "jsonpath={.items[*].metadata.name}"));
    }

    [Fact]
    public async Task All_namespaces_adds_the_namespace_column()
    {
        var ns1 = await SeedAsync();
        var ns2 = await SeedAsync();
        var table = await fx.OkAsync("get", "widgets", "-A", "-l", "tier=gold");
        Assert.Equal(["NAMESPACE", "NAME", "SIZE", "READY", "AGE"], KubectlFixture.Headers(table));
        var rows = KubectlFixture.Table(table).Where(r => r["NAMESPACE"] == ns1 || r["NAMESPACE"] == ns2).ToList();
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal("large", r["NAME"]));
        // The category "all" includes the CRD (names.categories).
        Assert.Contains("widget.example.com/large", await fx.OkAsync("get", "all", "-n", ns1, "-o", "name"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Describe_a_custom_resource_shows_fields_and_its_events()
    {
        var ns = await SeedAsync();
        var uid = await fx.OkAsync("get", "widget", "large", "-n", ns, "-o", "jsonpath={.metadata.uid}");
        await fx.OkStdinAsync($$"""
            apiVersion: v1
            kind: Event
            metadata: {name: large.1, namespace: {{ns}}}
            involvedObject: {apiVersion: example.com/v1, kind: Widget, name: large, namespace: {{ns}}, uid: {{uid}}}
            reason: Resized
            message: grew to 9
            type: Normal
            count: 3
            source: {component: widget-controller}
            firstTimestamp: "2026-01-01T00:00:00Z"
            lastTimestamp: "2026-01-01T00:00:00Z"
            """, "create", "-f", "-");
        var text = await fx.OkAsync("describe", "widget", "large", "-n", ns);
        Assert.Contains("Name:         large\n", text, StringComparison.Ordinal);
        Assert.Contains($"Namespace:    {ns}\n", text, StringComparison.Ordinal);
        Assert.Contains("Labels:       team=b\n              tier=gold\n", text, StringComparison.Ordinal);
        Assert.Contains("API Version:  example.com/v1\n", text, StringComparison.Ordinal);
        Assert.Contains("Kind:         Widget\n", text, StringComparison.Ordinal);
        Assert.Contains("  Color:  blue\n", text, StringComparison.Ordinal);
        // describe finds events by involvedObject field selectors (kubectl describe.go searchEvents).
        Assert.Contains("Resized", text, StringComparison.Ordinal);
        Assert.Contains("(x3 over", text, StringComparison.Ordinal);
        Assert.Contains("widget-controller", text, StringComparison.Ordinal);
        Assert.Contains("grew to 9", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Describe_a_secret_shows_sizes_never_values()
    {
        var ns = await fx.NewNamespaceAsync();
        await fx.OkAsync("create", "secret", "generic", "creds", "-n", ns, "--from-literal=user=admin", "--from-literal=password=s3cr3t-value");
        var text = await fx.OkAsync("describe", "secret", "creds", "-n", ns);
        Assert.Contains("Type:  Opaque\n", text, StringComparison.Ordinal);
        Assert.Contains("password:  12 bytes\n", text, StringComparison.Ordinal);
        Assert.Contains("user:      5 bytes\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-value", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_reads_the_crd_schema()
    {
        var text = await fx.OkAsync("explain", "widgets.spec.size");
        Assert.Contains("KIND:       Widget", text, StringComparison.Ordinal);
        Assert.Contains("FIELD: size <integer>", text, StringComparison.Ordinal);
        Assert.Contains("How big the widget is.", text, StringComparison.Ordinal);
        var cm = await fx.OkAsync("explain", "configmap.data");
        Assert.Contains("FIELD: data <map[string]string>", cm, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_a_missing_object_is_not_found()
    {
        var ns = await fx.NewNamespaceAsync();
        var r = await fx.FailAsync("get", "widget", "nope", "-n", ns);
        Assert.Equal("Error from server (NotFound): widgets.example.com \"nope\" not found\n", r.StdErr);
        var r2 = await fx.FailAsync("get", "configmap", "nope", "-n", ns);
        Assert.Equal("Error from server (NotFound): configmaps \"nope\" not found\n", r2.StdErr);
    }
}
