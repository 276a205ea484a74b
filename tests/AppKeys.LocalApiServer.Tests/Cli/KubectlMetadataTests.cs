using System.Text.Json.Nodes;

namespace AppKeys.LocalApiServer.Tests.Cli;

/// <summary><c>kubectl annotate</c> and <c>kubectl label</c> (merge patches from kubectl <c>pkg/cmd/annotate</c>, <c>pkg/cmd/label</c>).</summary>
public sealed class KubectlMetadataTests(KubectlFixture fx) : IClassFixture<KubectlFixture>
{
    private async Task<JsonObject> MetadataAsync(string ns, string name) =>
        (await fx.GetAsync($"/apis/example.com/v1/namespaces/{ns}/widgets/{name}"))!["metadata"]!.AsObject();

    [Fact]
    public async Task Label_adds_refuses_without_overwrite_overwrites_and_removes()
    {
        var ns = await fx.NewNamespaceAsync();
        await fx.OkStdinAsync(KubectlFixture.Widget(ns, "w1", 1), "apply", "-f", "-");
        Assert.Equal("widget.example.com/w1 labeled\n", await fx.OkAsync("label", "widget", "w1", "-n", ns, "tier=gold", "team=a"));
        var generation = (await MetadataAsync(ns, "w1"))["generation"]!.GetValue<long>();

        var refused = await fx.FailAsync("label", "widget", "w1", "-n", ns, "tier=silver");
        Assert.Equal("error: 'tier' already has a value (gold), and --overwrite is false\n", refused.StdErr);

        Assert.Equal("widget.example.com/w1 labeled\n", await fx.OkAsync("label", "widget", "w1", "-n", ns, "tier=silver", "--overwrite"));
        var meta = await MetadataAsync(ns, "w1");
        Assert.Equal("silver", meta["labels"]!["tier"]!.GetValue<string>());
        // Metadata changes never bump a custom resource's generation.
        Assert.Equal(generation, meta["generation"]!.GetValue<long>());

        Assert.Equal("widget.example.com/w1 unlabeled\n", await fx.OkAsync("label", "widget", "w1", "-n", ns, "tier-"));
        Assert.Equal("widget.example.com/w1 unlabeled\n", await fx.OkAsync("label", "widget", "w1", "-n", ns, "team-"));
        // An empty map is omitted (ObjectMeta labels is omitempty; the CR handler round-trips metadata through it:
        // apiextensions-apiserver pkg/apiserver/schema/objectmeta/coerce.go).
        Assert.False((await MetadataAsync(ns, "w1")).ContainsKey("labels"));
        var again = await fx.Kubectl.RunAsync("label", "widget", "w1", "-n", ns, "tier-");
        Assert.Equal(0, again.ExitCode);
        // kubectl compares the object's JSON before and after (label.go updateDataChangeMsg): removing from absent
        // labels leaves "labels: {}" client-side, so it reports "labeled" against kube too.
        Assert.Equal("label \"tier\" not found.\nwidget.example.com/w1 labeled\n", again.StdOut);
        Assert.False((await MetadataAsync(ns, "w1")).ContainsKey("labels"));
    }

    [Fact]
    public async Task Invalid_labels_fail_with_kube_messages_and_change_nothing()
    {
        const string labelValueRule =
            "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
        var ns = await fx.NewNamespaceAsync();
        await fx.OkStdinAsync(KubectlFixture.Widget(ns, "w1", 1, labels: "{tier: gold}"), "apply", "-f", "-");
        var before = (await MetadataAsync(ns, "w1"))["resourceVersion"]!.GetValue<string>();

        // kubectl label checks values itself (label.go parseLabels) and never sends this one.
        var value = await fx.FailAsync("label", "widget", "w1", "-n", ns, "tier=-silver", "--overwrite");
        Assert.Equal($"error: invalid label value: \"tier=-silver\": {labelValueRule}\n", value.StdErr);

        // Keys it passes through: the server answers 422 and kubectl prints the Status as "The <kind> <name> is invalid".
        var key = await fx.FailAsync("label", "widget", "w1", "-n", ns, "tier-=silver");
        Assert.Equal(
            "The Widget \"w1\" is invalid: metadata.labels: Invalid value: \"tier-\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')\n",
            key.StdErr);

        // apply leaves validation to the server (fieldValidation=Strict), so a bad value in a manifest reaches it.
        var applied = await fx.Kubectl.RunAsync(["apply", "-f", "-"], KubectlFixture.Widget(ns, "w1", 1, labels: "{tier: -silver}"));
        Assert.NotEqual(0, applied.ExitCode);
        Assert.Contains($"The Widget \"w1\" is invalid: metadata.labels: Invalid value: \"-silver\": {labelValueRule}", applied.StdErr, StringComparison.Ordinal);

        var meta = await MetadataAsync(ns, "w1");
        Assert.Equal(before, meta["resourceVersion"]!.GetValue<string>());
        Assert.Equal("gold", meta["labels"]!["tier"]!.GetValue<string>());
    }

    [Fact]
    public async Task Label_by_selector_touches_only_matching_objects()
    {
        var ns = await fx.NewNamespaceAsync();
        await fx.OkStdinAsync(KubectlFixture.Widget(ns, "a", 1, labels: "{group: gx}") + "---\n" + KubectlFixture.Widget(ns, "b", 1, labels: "{group: gy}"), "apply", "-f", "-");
        Assert.Equal("widget.example.com/a labeled\n", await fx.OkAsync("label", "widgets", "-n", ns, "-l", "group=gx", "picked=yes"));
        Assert.Equal("a", await fx.OkAsync("get", "widgets", "-n", ns, "-l", "picked", "-o", "jsonpath={.items[*].metadata.name}"));
    }

    [Fact]
    public async Task Annotate_adds_refuses_without_overwrite_overwrites_and_removes()
    {
        var ns = await fx.NewNamespaceAsync();
        await fx.OkAsync("create", "configmap", "settings", "-n", ns, "--from-literal=a=1");
        Assert.Equal("configmap/settings annotated\n", await fx.OkAsync("annotate", "configmap", "settings", "-n", ns, "owner=team-a", "note=first"));
        var refused = await fx.FailAsync("annotate", "configmap", "settings", "-n", ns, "owner=team-b");
        Assert.Equal("error: --overwrite is false but found the following declared annotation(s): 'owner' already has a value (team-a)\n", refused.StdErr);
        Assert.Equal("configmap/settings annotated\n", await fx.OkAsync("annotate", "configmap", "settings", "-n", ns, "owner=team-b", "--overwrite"));
        Assert.Equal("configmap/settings annotated\n", await fx.OkAsync("annotate", "configmap", "settings", "-n", ns, "note-"));
        var meta = (await fx.GetAsync($"/api/v1/namespaces/{ns}/configmaps/settings"))!["metadata"]!;
        TestJson(meta["annotations"], """{"owner":"team-b"}""");
        Assert.Equal("configmap/settings annotated\n", await fx.OkAsync("annotate", "configmap", "settings", "-n", ns, "owner-"));
        Assert.False((await fx.GetAsync($"/api/v1/namespaces/{ns}/configmaps/settings"))!["metadata"]!.AsObject().ContainsKey("annotations"));
        // The managedFields entry names kubectl's field manager for this verb.
        var managers = (await fx.GetAsync($"/api/v1/namespaces/{ns}/configmaps/settings"))!["metadata"]!["managedFields"]!.AsArray()
            .Select(m => m!["manager"]!.GetValue<string>()).ToList();
        Assert.Contains("kubectl-annotate", managers);
    }

    [Fact]
    public async Task Annotate_with_a_stale_resource_version_conflicts()
    {
        var ns = await fx.NewNamespaceAsync();
        await fx.OkStdinAsync(KubectlFixture.Widget(ns, "w1", 1), "apply", "-f", "-");
        var rv = (await MetadataAsync(ns, "w1"))["resourceVersion"]!.GetValue<string>();
        await fx.OkAsync("annotate", "widget", "w1", "-n", ns, "bump=1");
        var conflict = await fx.FailAsync("annotate", "widget", "w1", "-n", ns, "again=1", "--resource-version", rv);
        Assert.Contains("Error from server (Conflict): Operation cannot be fulfilled on widgets.example.com \"w1\": the object has been modified; please apply your changes to the latest version and try again",
            conflict.StdErr, StringComparison.Ordinal);
    }

    private static void TestJson(JsonNode? actual, string expected) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"expected {expected}, got {actual?.ToJsonString()}");
}
