using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace AppKeys.LocalApiServer.Tests.Server;

/// <summary>
/// Create/get/update/delete and their metadata and error rules (apiserver
/// pkg/registry/generic/registry/store.go, pkg/registry/rest/*.go, apimachinery pkg/api/errors/errors.go).
/// </summary>
public sealed class CrudTests(ApiServerFixture fx) : IClassFixture<ApiServerFixture>
{
    private static string Message(HttpOperationException ex) => JsonNode.Parse(ex.Response.Content)!["message"]!.GetValue<string>();

    [Fact]
    public async Task Seeded_namespaces_have_the_name_label()
    {
        var list = await fx.Client.CoreV1.ListNamespaceAsync();
        var names = list.Items.Select(n => n.Metadata.Name).ToList();
        Assert.Contains("default", names);
        Assert.Contains("kube-system", names);
        Assert.Contains("kube-public", names);
        Assert.Contains("kube-node-lease", names);
        var ns = list.Items.Single(n => n.Metadata.Name == "kube-system");
        Assert.Equal("kube-system", ns.Metadata.Labels["kubernetes.io/metadata.name"]);
        Assert.Equal("Active", ns.Status.Phase);
    }

    [Fact]
    public async Task Create_sets_system_metadata_and_merges_stringData()
    {
        var ns = await fx.NewNamespaceAsync();
        var created = await fx.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "s1" },
            StringData = new Dictionary<string, string> { ["user"] = "admin" },
            Data = new Dictionary<string, byte[]> { ["raw"] = [1, 2, 3] },
        }, ns);
        Assert.False(string.IsNullOrEmpty(created.Metadata.Uid));
        Assert.False(string.IsNullOrEmpty(created.Metadata.ResourceVersion));
        Assert.NotNull(created.Metadata.CreationTimestamp);
        Assert.Equal("Opaque", created.Type);
        Assert.Equal("admin", Encoding.UTF8.GetString(created.Data["user"]));
        Assert.Equal([1, 2, 3], created.Data["raw"]);
        Assert.Null(created.StringData);

        var (_, raw, _) = await fx.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/secrets/s1");
        Assert.Null(raw!["stringData"]);
        Assert.Equal("Secret", raw["kind"]!.GetValue<string>());
        Assert.Equal("v1", raw["apiVersion"]!.GetValue<string>());
        // RFC 3339, seconds, Z
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", raw["metadata"]!["creationTimestamp"]!.GetValue<string>());
    }

    [Fact]
    public async Task ResourceVersions_increase_globally()
    {
        var ns = await fx.NewNamespaceAsync();
        var a = await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = "a" } }, ns);
        var b = await fx.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new() { Name = "b" } }, ns);
        Assert.True(long.Parse(b.Metadata.ResourceVersion) > long.Parse(a.Metadata.ResourceVersion));
    }

    [Fact]
    public async Task GenerateName_appends_five_characters()
    {
        var ns = await fx.NewNamespaceAsync();
        var created = await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(
            new V1ConfigMap { Metadata = new() { GenerateName = "cfg-" } }, ns);
        Assert.Matches("^cfg-[a-z0-9]{5}$", created.Metadata.Name);
    }

    [Fact]
    public async Task Namespace_mismatch_is_400_and_missing_namespace_404()
    {
        var ns = await fx.NewNamespaceAsync();
        var (code, body, _) = await fx.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps",
            """{"metadata":{"name":"x","namespace":"other"}}""");
        Assert.Equal(400, code);
        Assert.Equal("the namespace of the provided object does not match the namespace sent on the request", body!["message"]!.GetValue<string>());

        (code, body, _) = await fx.SendAsync(HttpMethod.Post, "/api/v1/namespaces/does-not-exist/configmaps", """{"metadata":{"name":"x"}}""");
        Assert.Equal(404, code);
        Assert.Equal("namespaces \"does-not-exist\" not found", body!["message"]!.GetValue<string>());
        Assert.Equal("NotFound", body["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task ResourceVersion_on_create_is_rejected()
    {
        var ns = await fx.NewNamespaceAsync();
        var (code, body, _) = await fx.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps",
            """{"metadata":{"name":"x","resourceVersion":"12"}}""");
        Assert.Equal(400, code);
        Assert.Equal("resourceVersion should not be set on objects to be created", body!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Errors_are_Status_bodies_with_exact_texts()
    {
        var ns = await fx.NewNamespaceAsync();
        var (code, body, _) = await fx.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/secrets/nope");
        Assert.Equal(404, code);
        Assert.Equal("Status", body!["kind"]!.GetValue<string>());
        Assert.Equal("Failure", body["status"]!.GetValue<string>());
        Assert.Equal("secrets \"nope\" not found", body["message"]!.GetValue<string>());
        Assert.Equal("secrets", body["details"]!["kind"]!.GetValue<string>());
        Assert.Equal(404, body["code"]!.GetValue<int>());

        (code, body, _) = await fx.SendAsync(HttpMethod.Get, $"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases/nope");
        Assert.Equal("leases.coordination.k8s.io \"nope\" not found", body!["message"]!.GetValue<string>());
        Assert.Equal("coordination.k8s.io", body["details"]!["group"]!.GetValue<string>());

        await fx.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", """{"metadata":{"name":"dup"}}""");
        (code, body, _) = await fx.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", """{"metadata":{"name":"dup"}}""");
        Assert.Equal(409, code);
        Assert.Equal("AlreadyExists", body!["reason"]!.GetValue<string>());
        Assert.Equal("configmaps \"dup\" already exists", body["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Bad_input_is_400_never_500()
    {
        var ns = await fx.NewNamespaceAsync();
        foreach (var bad in new[] { "{", "[]", "42", "{\"metadata\":5}", "null", "{\"metadata\":{\"name\":7}}" })
        {
            var (code, body, _) = await fx.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", bad);
            Assert.True(code is 400 or 422, $"{bad} → {code} {body?.ToJsonString()}");
            Assert.Equal("Status", body!["kind"]!.GetValue<string>());
        }
        var (c, _, _) = await fx.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", "x", "application/xml");
        Assert.Equal(415, c);
        // The store is intact afterwards.
        Assert.Empty((await fx.Client.CoreV1.ListNamespacedConfigMapAsync(ns)).Items);
    }

    [Fact]
    public async Task Invalid_name_is_422_with_causes()
    {
        var ns = await fx.NewNamespaceAsync();
        var (code, body, _) = await fx.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", """{"metadata":{"name":"Bad_Name"}}""");
        Assert.Equal(422, code);
        Assert.Equal("Invalid", body!["reason"]!.GetValue<string>());
        Assert.StartsWith("ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain", body["message"]!.GetValue<string>());
        var cause = body["details"]!["causes"]![0]!;
        Assert.Equal("FieldValueInvalid", cause["reason"]!.GetValue<string>());
        Assert.Equal("metadata.name", cause["field"]!.GetValue<string>());

        (code, body, _) = await fx.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", """{"metadata":{}}""");
        Assert.Equal(422, code);
        Assert.Equal("ConfigMap \"\" is invalid: metadata.name: Required value: name or generateName is required", body!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Update_with_stale_resourceVersion_is_409_Conflict()
    {
        var ns = await fx.NewNamespaceAsync();
        var cm = await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = "c" } }, ns);
        cm.Data = new Dictionary<string, string> { ["a"] = "1" };
        var updated = await fx.Client.CoreV1.ReplaceNamespacedConfigMapAsync(cm, "c", ns);
        Assert.NotEqual(cm.Metadata.ResourceVersion, updated.Metadata.ResourceVersion);

        cm.Data["a"] = "2"; // still carries the old RV
        var ex = await Assert.ThrowsAsync<HttpOperationException>(() => fx.Client.CoreV1.ReplaceNamespacedConfigMapAsync(cm, "c", ns));
        Assert.Equal(System.Net.HttpStatusCode.Conflict, ex.Response.StatusCode);
        var status = JsonNode.Parse(ex.Response.Content)!;
        Assert.Equal("Conflict", status["reason"]!.GetValue<string>());
        Assert.Equal("Operation cannot be fulfilled on configmaps \"c\": the object has been modified; please apply your changes to the latest version and try again",
            status["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Update_without_resourceVersion_is_unconditional_and_missing_object_is_404()
    {
        var ns = await fx.NewNamespaceAsync();
        await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = "c" } }, ns);
        var (code, body, _) = await fx.SendAsync(HttpMethod.Put, $"/api/v1/namespaces/{ns}/configmaps/c", """{"metadata":{"name":"c"},"data":{"k":"v"}}""");
        Assert.Equal(200, code);
        Assert.Equal("v", body!["data"]!["k"]!.GetValue<string>());

        (code, body, _) = await fx.SendAsync(HttpMethod.Put, $"/api/v1/namespaces/{ns}/configmaps/missing", """{"metadata":{"name":"missing"}}""");
        Assert.Equal(404, code);
        Assert.Equal("configmaps \"missing\" not found", body!["message"]!.GetValue<string>());

        (code, body, _) = await fx.SendAsync(HttpMethod.Put, $"/api/v1/namespaces/{ns}/configmaps/c", """{"metadata":{"name":"other"}}""");
        Assert.Equal(400, code);
        Assert.Equal("the name of the object (other) does not match the name on the URL (c)", body!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Noop_update_keeps_the_resourceVersion()
    {
        var ns = await fx.NewNamespaceAsync();
        var cm = await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = "c" }, Data = new Dictionary<string, string> { ["a"] = "b" } }, ns);
        var again = await fx.Client.CoreV1.ReplaceNamespacedConfigMapAsync(cm, "c", ns);
        Assert.Equal(cm.Metadata.ResourceVersion, again.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Lease_is_created_on_update_and_needs_a_resourceVersion_afterwards()
    {
        // kube pkg/registry/coordination/lease/strategy.go: AllowCreateOnUpdate true, AllowUnconditionalUpdate false.
        var ns = await fx.NewNamespaceAsync();
        var path = $"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases/lock";
        var (code, body, _) = await fx.SendAsync(HttpMethod.Put, path,
            """{"metadata":{"name":"lock"},"spec":{"holderIdentity":"a","leaseDurationSeconds":15,"acquireTime":"2024-01-02T03:04:05.123456Z","renewTime":"2024-01-02T03:04:05.123456Z"}}""");
        Assert.Equal(201, code);
        Assert.Equal("2024-01-02T03:04:05.123456Z", body!["spec"]!["renewTime"]!.GetValue<string>());
        var rv = body["metadata"]!["resourceVersion"]!.GetValue<string>();

        (code, body, _) = await fx.SendAsync(HttpMethod.Put, path, """{"metadata":{"name":"lock"},"spec":{"holderIdentity":"b"}}""");
        Assert.Equal(422, code);
        Assert.Contains("metadata.resourceVersion: Invalid value: 0x0: must be specified for an update", body!["message"]!.GetValue<string>());

        (code, _, _) = await fx.SendAsync(HttpMethod.Put, path, $$$"""{"metadata":{"name":"lock","resourceVersion":"{{{rv}}}"},"spec":{"holderIdentity":"b"}}""");
        Assert.Equal(200, code);
        (code, body, _) = await fx.SendAsync(HttpMethod.Put, path, $$$"""{"metadata":{"name":"lock","resourceVersion":"{{{rv}}}"},"spec":{"holderIdentity":"c"}}""");
        Assert.Equal(409, code);
        Assert.Equal("Conflict", body!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Authentication_requires_a_known_bearer_token()
    {
        using var anonymous = fx.CreateHttpClient(null);
        var response = await anonymous.GetAsync("/api/v1/namespaces");
        Assert.Equal(401, (int)response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("Unauthorized", body["reason"]!.GetValue<string>());

        using var wrong = fx.CreateHttpClient("not-a-token");
        Assert.Equal(401, (int)(await wrong.GetAsync("/api/v1/namespaces")).StatusCode);

        using var sa = fx.CreateHttpClient(fx.Server.IssueToken("system:serviceaccount:default:op"));
        Assert.Equal(200, (int)(await sa.GetAsync("/api/v1/namespaces")).StatusCode);

        Assert.Equal(200, (int)(await anonymous.GetAsync("/healthz")).StatusCode);
        var version = JsonNode.Parse(await (await anonymous.GetAsync("/version")).Content.ReadAsStringAsync())!;
        Assert.Equal("1", version["major"]!.GetValue<string>());
        Assert.Equal("32", version["minor"]!.GetValue<string>());
        Assert.StartsWith("v1.32.", version["gitVersion"]!.GetValue<string>());
    }

    [Fact]
    public async Task Oversized_body_is_413()
    {
        var ns = await fx.NewNamespaceAsync();
        var big = new string('a', (int)fx.Options.MaxRequestBodyBytes + 10);
        var (code, body, _) = await fx.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps",
            $$$"""{"metadata":{"name":"big"},"data":{"a":"{{{big}}}"}}""");
        Assert.Equal(413, code);
        Assert.Equal("RequestEntityTooLarge", body!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Cluster_scoped_and_unknown_paths()
    {
        var (code, body, _) = await fx.SendAsync(HttpMethod.Get, "/apis/rbac.authorization.k8s.io/v1/clusterroles");
        Assert.Equal(200, code);
        Assert.Equal("ClusterRoleList", body!["kind"]!.GetValue<string>());
        (code, _, _) = await fx.SendAsync(HttpMethod.Post, "/apis/rbac.authorization.k8s.io/v1/clusterroles",
            """{"metadata":{"name":"system:test:reader"},"rules":[{"apiGroups":[""],"resources":["secrets"],"verbs":["get"]}]}""");
        Assert.Equal(201, code);
        (code, _, _) = await fx.SendAsync(HttpMethod.Get, "/apis/rbac.authorization.k8s.io/v1/clusterroles/system:test:reader");
        Assert.Equal(200, code);
        (code, body, _) = await fx.SendAsync(HttpMethod.Get, "/apis/nope.example.com/v1/things");
        Assert.Equal(404, code);
        Assert.Equal("Status", body!["kind"]!.GetValue<string>());
        (code, _, _) = await fx.SendAsync(HttpMethod.Put, "/api/v1/namespaces/default/configmaps", "{}");
        Assert.Equal(405, code);
    }

    [Fact]
    public async Task Secret_rules_base64_type_and_immutable()
    {
        // kube pkg/apis/core/validation/validation.go ValidateSecret / ValidateSecretUpdate.
        var ns = await fx.NewNamespaceAsync();
        var (code, body, _) = await fx.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/secrets", """{"metadata":{"name":"bad"},"data":{"a":"!!!"}}""");
        Assert.Equal(400, code);
        Assert.Contains("illegal base64 data at input byte 0", body!["message"]!.GetValue<string>());

        (code, body, _) = await fx.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/secrets", """{"metadata":{"name":"k"},"data":{"bad key":"YQ=="}}""");
        Assert.Equal(422, code);
        Assert.Equal("data[bad key]", body!["details"]!["causes"]![0]!["field"]!.GetValue<string>());

        var s = await fx.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new() { Name = "imm" },
            Immutable = true,
            Data = new Dictionary<string, byte[]> { ["a"] = [1] },
        }, ns);
        s.Data["a"] = [2];
        var ex = await Assert.ThrowsAsync<HttpOperationException>(() => fx.Client.CoreV1.ReplaceNamespacedSecretAsync(s, "imm", ns));
        Assert.Equal(422, (int)ex.Response.StatusCode);
        Assert.Contains("data: Forbidden: field is immutable when `immutable` is set", Message(ex));

        s = await fx.Client.CoreV1.ReadNamespacedSecretAsync("imm", ns);
        s.Immutable = false;
        ex = await Assert.ThrowsAsync<HttpOperationException>(() => fx.Client.CoreV1.ReplaceNamespacedSecretAsync(s, "imm", ns));
        Assert.Contains("immutable: Forbidden: field is immutable when `immutable` is set", Message(ex));

        var t = await fx.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new() { Name = "typed" } }, ns);
        t.Type = "kubernetes.io/tls";
        ex = await Assert.ThrowsAsync<HttpOperationException>(() => fx.Client.CoreV1.ReplaceNamespacedSecretAsync(t, "typed", ns));
        Assert.Contains("type: Invalid value: \"kubernetes.io/tls\": field is immutable", Message(ex));
    }

    [Fact]
    public async Task Status_subresource_splits_spec_and_status_and_generation_tracks_spec()
    {
        var ns = await fx.NewNamespaceAsync();
        var path = $"/apis/apps/v1/namespaces/{ns}/deployments";
        var (code, body, _) = await fx.SendAsync(HttpMethod.Post, path,
            """{"metadata":{"name":"d"},"spec":{"replicas":1,"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"i"}]}}},"status":{"replicas":9}}""");
        Assert.Equal(201, code);
        Assert.Null(body!["status"]);
        Assert.Equal(1, body["metadata"]!["generation"]!.GetValue<long>());

        body["status"] = new JsonObject { ["replicas"] = 3 };
        body["spec"]!["replicas"] = 2;
        (code, body, _) = await fx.SendAsync(HttpMethod.Put, $"{path}/d/status", body!.ToJsonString());
        Assert.Equal(200, code);
        Assert.Equal(3, body!["status"]!["replicas"]!.GetValue<int>());
        Assert.Equal(1, body["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal(1, body["metadata"]!["generation"]!.GetValue<long>());

        body["spec"]!["replicas"] = 5;
        body["status"]!["replicas"] = 0;
        (code, body, _) = await fx.SendAsync(HttpMethod.Put, $"{path}/d", body!.ToJsonString());
        Assert.Equal(200, code);
        Assert.Equal(5, body!["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal(3, body["status"]!["replicas"]!.GetValue<int>());
        Assert.Equal(2, body["metadata"]!["generation"]!.GetValue<long>());
    }

    [Fact]
    public async Task Finalizers_keep_a_deleted_object_until_removed()
    {
        var ns = await fx.NewNamespaceAsync();
        await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new() { Name = "f", Finalizers = ["example.com/hold"] },
        }, ns);
        var (code, body, _) = await fx.SendAsync(HttpMethod.Delete, $"/api/v1/namespaces/{ns}/configmaps/f");
        Assert.Equal(200, code);
        Assert.Equal("ConfigMap", body!["kind"]!.GetValue<string>());
        Assert.NotNull(body["metadata"]!["deletionTimestamp"]);
        Assert.Equal(0, body["metadata"]!["deletionGracePeriodSeconds"]!.GetValue<int>());

        var cm = await fx.Client.CoreV1.ReadNamespacedConfigMapAsync("f", ns);
        cm.Metadata.Finalizers = ["example.com/hold", "example.com/more"];
        var ex = await Assert.ThrowsAsync<HttpOperationException>(() => fx.Client.CoreV1.ReplaceNamespacedConfigMapAsync(cm, "f", ns));
        Assert.Equal(422, (int)ex.Response.StatusCode);
        Assert.Contains("metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{\"example.com/more\"}", Message(ex));

        cm.Metadata.Finalizers = [];
        await fx.Client.CoreV1.ReplaceNamespacedConfigMapAsync(cm, "f", ns);
        (code, _, _) = await fx.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps/f");
        Assert.Equal(404, code);
    }

    [Fact]
    public async Task Delete_without_finalizers_returns_Success_and_honours_preconditions()
    {
        var ns = await fx.NewNamespaceAsync();
        var cm = await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = "d" } }, ns);
        var (code, body, _) = await fx.SendAsync(HttpMethod.Delete, $"/api/v1/namespaces/{ns}/configmaps/d",
            """{"preconditions":{"uid":"wrong"}}""");
        Assert.Equal(409, code);
        Assert.Equal($"Operation cannot be fulfilled on configmaps \"d\": Precondition failed: UID in precondition: wrong, UID in object meta: {cm.Metadata.Uid}",
            body!["message"]!.GetValue<string>());
        (code, body, _) = await fx.SendAsync(HttpMethod.Delete, $"/api/v1/namespaces/{ns}/configmaps/d",
            $$$"""{"preconditions":{"uid":"{{{cm.Metadata.Uid}}}","resourceVersion":"{{{cm.Metadata.ResourceVersion}}}"}}""");
        Assert.Equal(200, code);
        Assert.Equal("Success", body!["status"]!.GetValue<string>());
        Assert.Equal(cm.Metadata.Uid, body["details"]!["uid"]!.GetValue<string>());
        (code, _, _) = await fx.SendAsync(HttpMethod.Delete, $"/api/v1/namespaces/{ns}/configmaps/d");
        Assert.Equal(404, code);
    }

    [Fact]
    public async Task Deleting_a_namespace_terminates_it_and_removes_its_contents()
    {
        var ns = await fx.NewNamespaceAsync();
        await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = "held", Finalizers = ["x.io/f"] } }, ns);
        await fx.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new() { Name = "s" } }, ns);
        var (code, body, _) = await fx.SendAsync(HttpMethod.Delete, $"/api/v1/namespaces/{ns}");
        Assert.Equal(200, code);
        Assert.Equal("Terminating", body!["status"]!["phase"]!.GetValue<string>());

        (code, body, _) = await fx.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", """{"metadata":{"name":"late"}}""");
        Assert.Equal(403, code);
        Assert.Equal($"configmaps \"late\" is forbidden: unable to create new content in namespace {ns} because it is being terminated", body!["message"]!.GetValue<string>());

        await ApiServerFixture.EventuallyAsync(async () => (await fx.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/secrets/s")).Code == 404, "secret deleted");
        // The finalizer holds the config map, which holds the namespace.
        Assert.Equal(200, (await fx.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}")).Code);
        var held = await fx.Client.CoreV1.ReadNamespacedConfigMapAsync("held", ns);
        Assert.NotNull(held.Metadata.DeletionTimestamp);
        held.Metadata.Finalizers = [];
        await fx.Client.CoreV1.ReplaceNamespacedConfigMapAsync(held, "held", ns);
        await ApiServerFixture.EventuallyAsync(async () => (await fx.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}")).Code == 404, "namespace deleted");
    }

    [Fact]
    public async Task Event_APIs_share_storage()
    {
        var ns = await fx.NewNamespaceAsync();
        var (code, _, _) = await fx.SendAsync(HttpMethod.Post, $"/apis/events.k8s.io/v1/namespaces/{ns}/events",
            """{"metadata":{"name":"e1"},"regarding":{"kind":"Secret","name":"s","namespace":"x"},"note":"hello","reason":"Created","type":"Normal","action":"Create","reportingController":"ctl","reportingInstance":"i","eventTime":"2024-01-01T00:00:00.000000Z"}""");
        Assert.Equal(201, code);
        var core = await fx.Client.CoreV1.ReadNamespacedEventAsync("e1", ns);
        Assert.Equal("hello", core.Message);
        Assert.Equal("Secret", core.InvolvedObject.Kind);
        Assert.Equal("ctl", core.ReportingComponent);

        var list = await fx.Client.CoreV1.ListNamespacedEventAsync(ns, fieldSelector: "involvedObject.name=s,involvedObject.kind=Secret");
        Assert.Single(list.Items);
        var (_, v1, _) = await fx.SendAsync(HttpMethod.Get, $"/apis/events.k8s.io/v1/namespaces/{ns}/events/e1");
        Assert.Equal("hello", v1!["note"]!.GetValue<string>());
        Assert.Equal("events.k8s.io/v1", v1["apiVersion"]!.GetValue<string>());
    }

    [Fact]
    public async Task Owner_references_at_most_one_controller()
    {
        var ns = await fx.NewNamespaceAsync();
        var (code, body, _) = await fx.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps",
            """{"metadata":{"name":"x","ownerReferences":[{"apiVersion":"v1","kind":"Secret","name":"a","uid":"1","controller":true},{"apiVersion":"v1","kind":"Secret","name":"b","uid":"2","controller":true}]}}""");
        Assert.Equal(422, code);
        Assert.Contains("Only one reference can have Controller set to true. Found \"true\" in references for Secret/a and Secret/b", body!["message"]!.GetValue<string>());
    }
}
