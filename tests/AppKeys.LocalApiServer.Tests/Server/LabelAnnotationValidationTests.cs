using System.Text.Json.Nodes;

namespace AppKeys.LocalApiServer.Tests.Server;

/// <summary>
/// Every write verb validates label and annotation syntax as kube-apiserver does (ValidateObjectMetaAccessor and
/// ValidateObjectMetaAccessorUpdate call ValidateLabels and ValidateAnnotations for built-ins and custom resources
/// alike): a 422 Invalid with the causes on <c>metadata.labels</c> / <c>metadata.annotations</c>, and nothing stored.
/// </summary>
public sealed class LabelAnnotationValidationTests(ApiServerFixture fx) : IClassFixture<ApiServerFixture>
{
    private const string LabelValue =
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

    private const string NamePart =
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

    private const string Merge = "application/merge-patch+json";
    private const string Strategic = "application/strategic-merge-patch+json";
    private const string JsonPatch = "application/json-patch+json";
    private const string Apply = "application/apply-patch+yaml";

    [Fact]
    public async Task Create_with_an_invalid_label_value_is_422_with_kube_status()
    {
        var ns = await fx.NewNamespaceAsync();
        var (code, status, _) = await fx.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps",
            """{"metadata":{"name":"c1","labels":{"tier":"-gold"}}}""");

        AssertInvalid(status, code, $"ConfigMap \"c1\" is invalid: metadata.labels: Invalid value: \"-gold\": {LabelValue}",
            ("FieldValueInvalid", "metadata.labels", $"Invalid value: \"-gold\": {LabelValue}"));
        Assert.Equal("ConfigMap", status!["details"]!["kind"]!.GetValue<string>());
        Assert.Equal("c1", status["details"]!["name"]!.GetValue<string>());
        Assert.Equal(404, (await fx.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps/c1")).Code);
    }

    [Fact]
    public async Task Create_with_several_problems_lists_each_cause_but_prints_a_repeated_message_once()
    {
        var ns = await fx.NewNamespaceAsync();
        var (code, status, _) = await fx.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps",
            """{"metadata":{"name":"c1","labels":{"a":"-x","b":"-x"},"annotations":{"bad key":"v"}}}""");

        var labelBody = $"Invalid value: \"-x\": {LabelValue}";
        var annotationBody = $"Invalid value: \"bad key\": {NamePart}";
        // field.ErrorList.ToAggregate drops the repeated message; the causes keep both.
        AssertInvalid(status, code, $"ConfigMap \"c1\" is invalid: [metadata.labels: {labelBody}, metadata.annotations: {annotationBody}]",
            ("FieldValueInvalid", "metadata.labels", labelBody),
            ("FieldValueInvalid", "metadata.labels", labelBody),
            ("FieldValueInvalid", "metadata.annotations", annotationBody));
    }

    [Fact]
    public async Task Annotations_over_256_KiB_are_too_long()
    {
        var ns = await fx.NewNamespaceAsync();
        var body = new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "big", ["annotations"] = new JsonObject { ["note"] = new string('x', 262141) } },
        };
        var (code, status, _) = await fx.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", body.ToJsonString());
        AssertInvalid(status, code, "ConfigMap \"big\" is invalid: metadata.annotations: Too long: may not be more than 262144 bytes",
            ("FieldValueTooLong", "metadata.annotations", "Too long: may not be more than 262144 bytes"));

        // Exactly the limit (4 + 262140 bytes) is accepted.
        body["metadata"]!["annotations"]!["note"] = new string('x', 262140);
        (code, status, _) = await fx.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", body.ToJsonString());
        Assert.True(code == 201, Shorten(status?.ToJsonString()));
    }

    [Fact]
    public async Task Valid_labels_and_mixed_case_annotation_keys_are_accepted()
    {
        var ns = await fx.NewNamespaceAsync();
        var (code, created, _) = await fx.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps",
            """{"metadata":{"name":"ok","labels":{"app.kubernetes.io/name":"My_App-1.0","empty":""},"annotations":{"Example.COM/Some_Key":"free text: / -"}}}""");
        Assert.True(code == 201, created?.ToJsonString());
        Assert.Equal("My_App-1.0", created!["metadata"]!["labels"]!["app.kubernetes.io/name"]!.GetValue<string>());
    }

    public static TheoryData<string, string, string, string> UpdateVerbs() => new()
    {
        // verb, content type, body (labels "-bad"), field manager query (apply forces: the label belongs to the
        // creator, and kube reports the conflict before validating)
        { "PUT", "application/json", """{"metadata":{"name":"c1","labels":{"tier":"-bad"}},"data":{"k":"v"}}""", "" },
        { "PATCH", Merge, """{"metadata":{"labels":{"tier":"-bad"}}}""", "" },
        { "PATCH", Strategic, """{"metadata":{"labels":{"tier":"-bad"}}}""", "" },
        { "PATCH", JsonPatch, """[{"op":"add","path":"/metadata/labels/tier","value":"-bad"}]""", "" },
        { "PATCH", Apply, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c1\n  labels:\n    tier: \"-bad\"\n", "?fieldManager=test&force=true" },
    };

    [Theory]
    [MemberData(nameof(UpdateVerbs))]
    public async Task Every_update_verb_is_validated_and_nothing_is_stored(string verb, string contentType, string body, string query)
    {
        var ns = await fx.NewNamespaceAsync();
        var path = $"/api/v1/namespaces/{ns}/configmaps/c1";
        var (code, created, _) = await fx.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps",
            """{"metadata":{"name":"c1","labels":{"tier":"gold"}},"data":{"k":"v"}}""");
        Assert.True(code == 201, created?.ToJsonString());

        var (updateCode, status, _) = await fx.SendAsync(new HttpMethod(verb), path + query, body, contentType);
        AssertInvalid(status, updateCode, $"ConfigMap \"c1\" is invalid: metadata.labels: Invalid value: \"-bad\": {LabelValue}",
            ("FieldValueInvalid", "metadata.labels", $"Invalid value: \"-bad\": {LabelValue}"));

        var (_, stored, _) = await fx.SendAsync(HttpMethod.Get, path);
        Assert.Equal(created!["metadata"]!["resourceVersion"]!.GetValue<string>(), stored!["metadata"]!["resourceVersion"]!.GetValue<string>());
        Assert.Equal("gold", stored["metadata"]!["labels"]!["tier"]!.GetValue<string>());
    }

    [Fact]
    public async Task Server_side_apply_create_and_dry_run_are_validated()
    {
        var ns = await fx.NewNamespaceAsync();
        var path = $"/api/v1/namespaces/{ns}/configmaps/fresh";
        var (code, status, _) = await fx.SendAsync(HttpMethod.Patch, path + "?fieldManager=test",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fresh\n  annotations:\n    \"a/b/c\": x\n", Apply);
        Assert.Equal(422, code);
        Assert.Equal("metadata.annotations", status!["details"]!["causes"]![0]!["field"]!.GetValue<string>());

        (code, _, _) = await fx.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps?dryRun=All",
            """{"metadata":{"name":"dry","labels":{"k":"v!"}}}""");
        Assert.Equal(422, code);
        Assert.Equal(404, (await fx.SendAsync(HttpMethod.Get, path)).Code);
    }

    [Fact]
    public async Task Custom_resources_and_cluster_scoped_kinds_are_validated()
    {
        var group = await fx.CreateCrdAsync("Gadget", statusSubresource: true);
        int code;
        JsonNode? body;
        var ns = await fx.NewNamespaceAsync();
        var gadgets = $"/apis/{group}/v1/namespaces/{ns}/gadgets";

        (code, body, _) = await fx.SendAsync(HttpMethod.Post, gadgets, """{"apiVersion":"GROUP/v1","kind":"Gadget","metadata":{"name":"g1","labels":{"-k":"v"}},"spec":{}}""".Replace("GROUP", group, StringComparison.Ordinal));
        AssertInvalid(body, code, $"Gadget.{group} \"g1\" is invalid: metadata.labels: Invalid value: \"-k\": {NamePart}",
            ("FieldValueInvalid", "metadata.labels", $"Invalid value: \"-k\": {NamePart}"));

        // A /status write keeps the stored metadata (status strategies copy all but .status), so labels in its body
        // are ignored rather than validated, as in kube.
        (code, body, _) = await fx.SendAsync(HttpMethod.Post, gadgets, """{"apiVersion":"GROUP/v1","kind":"Gadget","metadata":{"name":"g2","labels":{"k":"v"}},"spec":{}}""".Replace("GROUP", group, StringComparison.Ordinal));
        Assert.True(code == 201, body?.ToJsonString());
        var g2 = body!.AsObject();
        g2["metadata"]!["labels"]!["k"] = "-v";
        g2["status"] = new JsonObject { ["ready"] = true };
        (code, body, _) = await fx.SendAsync(HttpMethod.Put, gadgets + "/g2/status", g2.ToJsonString());
        Assert.True(code == 200, body?.ToJsonString());
        Assert.Equal("v", body!["metadata"]!["labels"]!["k"]!.GetValue<string>());
        Assert.True(body["status"]!["ready"]!.GetValue<bool>());

        (code, body, _) = await fx.SendAsync(HttpMethod.Post, "/api/v1/namespaces",
            """{"metadata":{"name":"ns-bad-annotation","annotations":{"owner/":"x"}}}""");
        AssertInvalid(body, code,
            $"Namespace \"ns-bad-annotation\" is invalid: [metadata.annotations: Invalid value: \"owner/\": name part must be non-empty, metadata.annotations: Invalid value: \"owner/\": {NamePart}]",
            ("FieldValueInvalid", "metadata.annotations", "Invalid value: \"owner/\": name part must be non-empty"),
            ("FieldValueInvalid", "metadata.annotations", $"Invalid value: \"owner/\": {NamePart}"));
    }

    private static void AssertInvalid(JsonNode? status, int code, string message, params (string Reason, string Field, string Message)[] causes)
    {
        Assert.True(code == 422, $"expected 422, got {code}: {Shorten(status?.ToJsonString())}");
        Assert.NotNull(status);
        Assert.Equal("Status", status["kind"]!.GetValue<string>());
        Assert.Equal("Failure", status["status"]!.GetValue<string>());
        Assert.Equal("Invalid", status["reason"]!.GetValue<string>());
        Assert.Equal(422, status["code"]!.GetValue<int>());
        Assert.Equal(message, status["message"]!.GetValue<string>());
        var actual = status["details"]!["causes"]!.AsArray()
            .Select(c => (c!["reason"]!.GetValue<string>(), c["field"]!.GetValue<string>(), c["message"]!.GetValue<string>()))
            .ToArray();
        Assert.Equal(causes, actual);
    }

    // Bodies carrying a 256 KiB annotation would flood the test output.
    private static string? Shorten(string? text) => text is { Length: > 2000 } ? text[..2000] + "..." : text;
}
