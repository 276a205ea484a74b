using System.Text.Json.Nodes;

namespace AppKeys.LocalApiServer.Tests.Server;

/// <summary>
/// The defaults kube-apiserver 1.32 gives built-in kinds on every write (apps/v1 and core/v1 defaults.go), and the
/// Service registry's allocation of cluster IPs and node ports.
/// </summary>
public sealed class BuiltInDefaultingTests(ApiServerFixture fx) : IClassFixture<ApiServerFixture>
{
    private static string Deployment(string name, string containers, string extra = "") =>
        "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{" + extra
        + "\"selector\":{\"matchLabels\":{\"app\":\"x\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":\"x\"}},\"spec\":{\"containers\":"
        + containers + "}}}}";

    private async Task<JsonNode> CreateAsync(string ns, string path, string body)
    {
        var (code, created, _) = await fx.SendAsync(HttpMethod.Post, $"/apis/apps/v1/namespaces/{ns}/{path}", body);
        Assert.True(code == 201, created?.ToJsonString());
        return created!;
    }

    [Fact]
    public async Task Deployment_spec_strategy_and_pod_template_are_defaulted()
    {
        var ns = await fx.NewNamespaceAsync();
        var created = await CreateAsync(ns, "deployments", Deployment("web", """[{"name":"c","image":"nginx:1.27"}]"""));
        var spec = created["spec"]!;
        Assert.Equal(1, (int)spec["replicas"]!);
        Assert.Equal("""{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":"25%","maxSurge":"25%"}}""", spec["strategy"]!.ToJsonString());
        Assert.Equal(10, (int)spec["revisionHistoryLimit"]!);
        Assert.Equal(600, (int)spec["progressDeadlineSeconds"]!);
        var pod = spec["template"]!["spec"]!;
        Assert.Equal("Always", (string?)pod["restartPolicy"]);
        Assert.Equal("ClusterFirst", (string?)pod["dnsPolicy"]);
        Assert.Equal("default-scheduler", (string?)pod["schedulerName"]);
        Assert.Equal(30, (int)pod["terminationGracePeriodSeconds"]!);
        Assert.Equal("{}", pod["securityContext"]!.ToJsonString());
        Assert.Null(pod["enableServiceLinks"]); // SetDefaults_Pod only, not templates
        var c = pod["containers"]![0]!;
        Assert.Equal("IfNotPresent", (string?)c["imagePullPolicy"]);
        Assert.Equal("/dev/termination-log", (string?)c["terminationMessagePath"]);
        Assert.Equal("File", (string?)c["terminationMessagePolicy"]);

        // The stored object is the defaulted one, and sending the original again is a no-op.
        var (_, read, _) = await fx.SendAsync(HttpMethod.Get, $"/apis/apps/v1/namespaces/{ns}/deployments/web");
        Assert.True(JsonNode.DeepEquals(created, read));
        var (code, again, _) = await fx.SendAsync(HttpMethod.Put, $"/apis/apps/v1/namespaces/{ns}/deployments/web",
            Deployment("web", """[{"name":"c","image":"nginx:1.27"}]"""));
        Assert.Equal(200, code);
        Assert.Equal((string?)created["metadata"]!["resourceVersion"], (string?)again!["metadata"]!["resourceVersion"]);
        Assert.Equal(1, (long)again["metadata"]!["generation"]!);
    }

    [Fact]
    public async Task StatefulSet_and_DaemonSet_specs_and_pod_templates_are_defaulted_as_apps_v1_does()
    {
        var ns = await fx.NewNamespaceAsync();
        var sts = (await CreateAsync(ns, "statefulsets", Deployment("db", """[{"name":"c","image":"postgres:17"}]""").Replace("\"Deployment\"", "\"StatefulSet\"", StringComparison.Ordinal)))["spec"]!;
        Assert.Equal(1, (int)sts["replicas"]!);
        Assert.Equal("OrderedReady", (string?)sts["podManagementPolicy"]);
        Assert.Equal("""{"type":"RollingUpdate","rollingUpdate":{"partition":0}}""", sts["updateStrategy"]!.ToJsonString());
        Assert.Equal("""{"whenDeleted":"Retain","whenScaled":"Retain"}""", sts["persistentVolumeClaimRetentionPolicy"]!.ToJsonString());
        Assert.Equal(10, (int)sts["revisionHistoryLimit"]!);
        Assert.Equal("Always", (string?)sts["template"]!["spec"]!["restartPolicy"]);
        Assert.Equal("IfNotPresent", (string?)sts["template"]!["spec"]!["containers"]![0]!["imagePullPolicy"]);

        var ds = await CreateAsync(ns, "daemonsets", Deployment("agent", """[{"name":"c","image":"fluentd"}]""").Replace("\"Deployment\"", "\"DaemonSet\"", StringComparison.Ordinal));
        var spec = ds["spec"]!;
        Assert.Null(spec["replicas"]);
        Assert.Equal("""{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":1,"maxSurge":0}}""", spec["updateStrategy"]!.ToJsonString());
        Assert.Equal(10, (int)spec["revisionHistoryLimit"]!);
        Assert.Equal("Always", (string?)spec["template"]!["spec"]!["containers"]![0]!["imagePullPolicy"]);
        Assert.Equal(1, (long)ds["metadata"]!["generation"]!);

        // OnDelete keeps no rollingUpdate defaults (SetDefaults_DaemonSet only fills them for RollingUpdate).
        var onDelete = await CreateAsync(ns, "daemonsets", Deployment("ondelete", """[{"name":"c","image":"fluentd"}]""", "\"updateStrategy\":{\"type\":\"OnDelete\"},").Replace("\"Deployment\"", "\"DaemonSet\"", StringComparison.Ordinal));
        Assert.Equal("""{"type":"OnDelete"}""", onDelete["spec"]!["updateStrategy"]!.ToJsonString());
    }

    [Fact]
    public async Task Set_values_are_kept()
    {
        var ns = await fx.NewNamespaceAsync();
        var created = await CreateAsync(ns, "deployments", Deployment("kept",
            """[{"name":"c","image":"nginx","imagePullPolicy":"Never","terminationMessagePolicy":"FallbackToLogsOnError"}]""",
            "\"replicas\":0,\"strategy\":{\"type\":\"Recreate\"},\"revisionHistoryLimit\":0,"));
        var spec = created["spec"]!;
        Assert.Equal(0, (int)spec["replicas"]!);
        Assert.Equal("""{"type":"Recreate"}""", spec["strategy"]!.ToJsonString());
        Assert.Equal(0, (int)spec["revisionHistoryLimit"]!);
        var c = spec["template"]!["spec"]!["containers"]![0]!;
        Assert.Equal("Never", (string?)c["imagePullPolicy"]);
        Assert.Equal("FallbackToLogsOnError", (string?)c["terminationMessagePolicy"]);
    }

    [Theory]
    [InlineData("nginx", "Always")]
    [InlineData("nginx:latest", "Always")]
    [InlineData("nginx:1.27", "IfNotPresent")]
    [InlineData("localhost:5000/team/app", "Always")]
    [InlineData("registry.example.com:5000/team/app:v2", "IfNotPresent")]
    [InlineData("registry.example.com/app:latest", "Always")]
    [InlineData("nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "IfNotPresent")]
    [InlineData("Nginx", "IfNotPresent")]
    public async Task Image_pull_policy_follows_the_tag(string image, string policy)
    {
        var ns = await fx.NewNamespaceAsync();
        var created = await CreateAsync(ns, "deployments", Deployment("img", $$"""[{"name":"c","image":"{{image}}"}]"""));
        Assert.Equal(policy, (string?)created["spec"]!["template"]!["spec"]!["containers"]![0]!["imagePullPolicy"]);
    }

    [Fact]
    public async Task Probes_ports_volumes_and_field_refs_are_defaulted()
    {
        var ns = await fx.NewNamespaceAsync();
        var created = await CreateAsync(ns, "deployments", """
            {"metadata":{"name":"nested"},"spec":{"selector":{"matchLabels":{"app":"x"}},"template":{"metadata":{"labels":{"app":"x"}},
             "spec":{"initContainers":[{"name":"i","image":"busybox"}],
                     "containers":[{"name":"c","image":"nginx:1","ports":[{"containerPort":80}],
                                    "livenessProbe":{"httpGet":{"port":80}},"readinessProbe":{"tcpSocket":{"port":80},"periodSeconds":5},
                                    "env":[{"name":"NODE","valueFrom":{"fieldRef":{"fieldPath":"spec.nodeName"}}}]}],
                     "volumes":[{"name":"s","secret":{"secretName":"s"}},{"name":"cm","configMap":{"name":"c","defaultMode":256}},{"name":"e"}]}}}}
            """);
        var pod = created["spec"]!["template"]!["spec"]!;
        Assert.Equal("Always", (string?)pod["initContainers"]![0]!["imagePullPolicy"]);
        var c = pod["containers"]![0]!;
        Assert.Equal("""[{"containerPort":80,"protocol":"TCP"}]""", c["ports"]!.ToJsonString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"httpGet":{"port":80,"path":"/","scheme":"HTTP"},"timeoutSeconds":1,"periodSeconds":10,"successThreshold":1,"failureThreshold":3}
            """), c["livenessProbe"]), c["livenessProbe"]!.ToJsonString());
        Assert.Equal(5, (int)c["readinessProbe"]!["periodSeconds"]!);
        Assert.Equal("v1", (string?)c["env"]![0]!["valueFrom"]!["fieldRef"]!["apiVersion"]);
        Assert.Equal(420, (int)pod["volumes"]![0]!["secret"]!["defaultMode"]!);
        Assert.Equal(256, (int)pod["volumes"]![1]!["configMap"]!["defaultMode"]!);
        Assert.Equal("{}", pod["volumes"]![2]!["emptyDir"]!.ToJsonString());
    }

    [Fact]
    public async Task Server_side_apply_and_patches_are_defaulted()
    {
        var ns = await fx.NewNamespaceAsync();
        var (code, applied, _) = await fx.SendAsync(HttpMethod.Patch, $"/apis/apps/v1/namespaces/{ns}/deployments/ssa?fieldManager=test",
            Deployment("ssa", """[{"name":"c","image":"nginx"}]"""), "application/apply-patch+yaml");
        Assert.Equal(201, code);
        Assert.Equal(1, (int)applied!["spec"]!["replicas"]!);
        Assert.Equal("Always", (string?)applied["spec"]!["template"]!["spec"]!["containers"]![0]!["imagePullPolicy"]);

        // A patch that removes a defaulted field gets it back.
        (code, var patched, _) = await fx.SendAsync(HttpMethod.Patch, $"/apis/apps/v1/namespaces/{ns}/deployments/ssa",
            """{"spec":{"revisionHistoryLimit":null,"strategy":{"type":"Recreate","rollingUpdate":null}}}""", "application/merge-patch+json");
        Assert.Equal(200, code);
        Assert.Equal(10, (int)patched!["spec"]!["revisionHistoryLimit"]!);
        Assert.Equal("""{"type":"Recreate"}""", patched["spec"]!["strategy"]!.ToJsonString());
    }

    private async Task<(int Code, JsonNode? Body)> ServiceAsync(string ns, string name, string spec)
    {
        var (code, body, _) = await fx.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/services",
            "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"" + name + "\"},\"spec\":" + spec + "}");
        return (code, body);
    }

    [Fact]
    public async Task Service_gets_kube_defaults_and_a_cluster_ip_from_the_service_cidr()
    {
        var ns = await fx.NewNamespaceAsync();
        var (code, svc) = await ServiceAsync(ns, "web", """{"selector":{"app":"web"},"ports":[{"port":80},{"name":"named","port":81,"targetPort":"http"}]}""");
        Assert.Equal(201, code);
        var spec = svc!["spec"]!;
        var ip = (string)spec["clusterIP"]!;
        var octets = ip.Split('.').Select(int.Parse).ToArray();
        Assert.True(octets[0] == 10 && octets[1] is >= 96 and <= 111, ip);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse($$"""
            {"selector":{"app":"web"},"ports":[{"port":80,"protocol":"TCP","targetPort":80},{"name":"named","port":81,"targetPort":"http","protocol":"TCP"}],
             "clusterIP":"{{ip}}","clusterIPs":["{{ip}}"],"type":"ClusterIP","sessionAffinity":"None","ipFamilies":["IPv4"],
             "ipFamilyPolicy":"SingleStack","internalTrafficPolicy":"Cluster"}
            """), spec), spec.ToJsonString());

        // An update without the cluster IP keeps it (patchAllocatedValues); changing it is refused.
        var (putCode, put, _) = await fx.SendAsync(HttpMethod.Put, $"/api/v1/namespaces/{ns}/services/web",
            """{"apiVersion":"v1","kind":"Service","metadata":{"name":"web"},"spec":{"selector":{"app":"web"},"ports":[{"port":80},{"name":"named","port":81,"targetPort":"http"}]}}""");
        Assert.Equal(200, putCode);
        Assert.Equal(ip, (string?)put!["spec"]!["clusterIP"]);
        Assert.Equal((string?)svc["metadata"]!["resourceVersion"], (string?)put["metadata"]!["resourceVersion"]);
        var other = ip == "10.96.5.5" ? "10.96.5.6" : "10.96.5.5";
        var (changed, error, _) = await fx.SendAsync(HttpMethod.Patch, $"/api/v1/namespaces/{ns}/services/web",
            $$$"""{"spec":{"clusterIP":"{{{other}}}","clusterIPs":["{{{other}}}"]}}""", "application/merge-patch+json");
        Assert.Equal(422, changed);
        Assert.Equal($$"""Service "web" is invalid: spec.clusterIPs[0]: Invalid value: []string{"{{other}}"}: may not change once set""", (string?)error!["message"]);
    }

    [Fact]
    public async Task Cluster_ips_are_never_shared_and_chosen_ones_are_checked()
    {
        var ns = await fx.NewNamespaceAsync();
        var ips = new HashSet<string>();
        for (var i = 0; i < 20; i++)
        {
            var (code, svc) = await ServiceAsync(ns, $"s{i}", """{"ports":[{"port":80}]}""");
            Assert.Equal(201, code);
            Assert.True(ips.Add((string)svc!["spec"]!["clusterIP"]!));
        }

        var (chosen, body) = await ServiceAsync(ns, "chosen", """{"clusterIP":"10.96.0.10","ports":[{"port":53}]}""");
        Assert.Equal(201, chosen);
        Assert.Equal("""["10.96.0.10"]""", body!["spec"]!["clusterIPs"]!.ToJsonString());
        var (taken, error) = await ServiceAsync(ns, "taken", """{"clusterIP":"10.96.0.10","ports":[{"port":53}]}""");
        Assert.Equal(422, taken);
        Assert.Equal("""Service "taken" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.10"}: failed to allocate IP 10.96.0.10: provided IP is already allocated""",
            (string?)error!["message"]);
        var (outside, error2) = await ServiceAsync(ns, "outside", """{"clusterIP":"192.168.0.1","ports":[{"port":53}]}""");
        Assert.Equal(422, outside);
        Assert.Contains("the provided IP (192.168.0.1) is not in the valid range. The range of valid IPs is 10.96.0.0/12", (string?)error2!["message"], StringComparison.Ordinal);

        // Deleting a Service frees its IP.
        var (deleted, _, _) = await fx.SendAsync(HttpMethod.Delete, $"/api/v1/namespaces/{ns}/services/chosen");
        Assert.Equal(200, deleted);
        var (reused, _) = await ServiceAsync(ns, "reused", """{"clusterIP":"10.96.0.10","ports":[{"port":53}]}""");
        Assert.Equal(201, reused);
    }

    [Fact]
    public async Task Headless_external_name_and_node_port_services()
    {
        var ns = await fx.NewNamespaceAsync();
        var (_, headless) = await ServiceAsync(ns, "headless", """{"clusterIP":"None","selector":{"app":"x"},"ports":[{"port":80}]}""");
        Assert.Equal("""["None"]""", headless!["spec"]!["clusterIPs"]!.ToJsonString());
        Assert.Equal("SingleStack", (string?)headless["spec"]!["ipFamilyPolicy"]);

        var (_, external) = await ServiceAsync(ns, "ext", """{"type":"ExternalName","externalName":"db.example.com"}""");
        Assert.Null(external!["spec"]!["clusterIP"]);
        Assert.Null(external["spec"]!["ipFamilies"]);
        Assert.Null(external["spec"]!["internalTrafficPolicy"]);

        var (code, np) = await ServiceAsync(ns, "np", """{"type":"NodePort","ports":[{"name":"a","port":80},{"name":"b","port":81,"nodePort":31001}]}""");
        Assert.Equal(201, code);
        var allocated = (int)np!["spec"]!["ports"]![0]!["nodePort"]!;
        Assert.InRange(allocated, 30000, 32767);
        Assert.NotEqual(31001, allocated);
        Assert.Equal("Cluster", (string?)np["spec"]!["externalTrafficPolicy"]);

        var (putCode, put, _) = await fx.SendAsync(HttpMethod.Put, $"/api/v1/namespaces/{ns}/services/np",
            """{"metadata":{"name":"np"},"spec":{"type":"NodePort","ports":[{"name":"a","port":80},{"name":"b","port":81}]}}""");
        Assert.Equal(200, putCode);
        Assert.Equal(allocated, (int)put!["spec"]!["ports"]![0]!["nodePort"]!);
        Assert.Equal(31001, (int)put["spec"]!["ports"]![1]!["nodePort"]!);

        var (taken, error) = await ServiceAsync(ns, "np2", """{"type":"NodePort","ports":[{"port":80,"nodePort":31001}]}""");
        Assert.Equal(422, taken);
        Assert.Equal("""Service "np2" is invalid: spec.ports[0].nodePort: Invalid value: 31001: provided port is already allocated""", (string?)error!["message"]);
    }
}
