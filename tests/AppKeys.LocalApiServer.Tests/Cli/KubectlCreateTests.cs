using System.Text.Json.Nodes;

namespace AppKeys.LocalApiServer.Tests.Cli;

/// <summary>
/// <c>kubectl create deployment|service|pdb</c> build typed objects and send them as
/// <c>application/vnd.kubernetes.protobuf</c> (kubectl <c>pkg/cmd/create</c>); the server decodes them with the field
/// numbers of k8s.io/api generated.proto and stores what kube's typed JSON would be.
/// </summary>
public sealed class KubectlCreateTests(KubectlFixture fx) : IClassFixture<KubectlFixture>
{
    [Fact]
    public async Task Create_deployment_stores_replicas_selector_and_pod_template()
    {
        var ns = await fx.NewNamespaceAsync();
        Assert.Equal("deployment.apps/web created\n", await fx.OkAsync("create", "deployment", "web", "--image=nginx", "--replicas=2", "-n", ns));

        var web = (await fx.GetAsync($"/apis/apps/v1/namespaces/{ns}/deployments/web"))!;
        Assert.Equal("Deployment", web["kind"]!.GetValue<string>());
        Assert.Equal("web", web["metadata"]!["labels"]!["app"]!.GetValue<string>());
        Assert.Equal(1, web["metadata"]!["generation"]!.GetValue<long>());
        // kube's defaulters (apps/v1 SetDefaults_Deployment, core/v1 SetDefaults_PodSpec/Container) fill what
        // kubectl left unset; kubectl get -o json shows it with sorted keys.
        AssertJson("""
            {"replicas":2,"selector":{"matchLabels":{"app":"web"}},
             "template":{"metadata":{"labels":{"app":"web"}},
               "spec":{"containers":[{"name":"nginx","image":"nginx","resources":{},"terminationMessagePath":"/dev/termination-log",
                                      "terminationMessagePolicy":"File","imagePullPolicy":"Always"}],
                       "restartPolicy":"Always","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst","securityContext":{},
                       "schedulerName":"default-scheduler"}},
             "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":"25%","maxSurge":"25%"}},
             "revisionHistoryLimit":10,"progressDeadlineSeconds":600}
            """, web["spec"]);
        var printed = JsonNode.Parse(await fx.OkAsync("get", "deployment", "web", "-n", ns, "-o", "json"))!;
        AssertJson(web["spec"]!.ToJsonString(), printed["spec"]);

        var table = KubectlFixture.Table(await fx.OkAsync("get", "deployment", "web", "-n", ns));
        Assert.Equal("0/2", table.Single()["READY"]);
    }

    [Fact]
    public async Task Create_deployment_with_a_port_and_a_command()
    {
        var ns = await fx.NewNamespaceAsync();
        await fx.OkAsync("create", "deployment", "job", "--image=busybox:1.36", "--port=8080", "-n", ns, "--", "sh", "-c", "sleep 1");

        var container = (await fx.GetAsync($"/apis/apps/v1/namespaces/{ns}/deployments/job"))!["spec"]!["template"]!["spec"]!["containers"]![0]!;
        AssertJson("""
            {"name":"busybox","image":"busybox:1.36","command":["sh","-c","sleep 1"],"ports":[{"containerPort":8080,"protocol":"TCP"}],
             "resources":{},"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","imagePullPolicy":"IfNotPresent"}
            """, container);
    }

    [Fact]
    public async Task Create_service_clusterip_and_nodeport_store_ports_with_int_or_string_target_ports()
    {
        var ns = await fx.NewNamespaceAsync();
        Assert.Equal("service/web created\n", await fx.OkAsync("create", "service", "clusterip", "web", "--tcp=80:8080", "-n", ns));
        await fx.OkAsync("create", "service", "nodeport", "np", "--tcp=443:https", "--node-port=30443", "-n", ns);

        var web = (await fx.GetAsync($"/api/v1/namespaces/{ns}/services/web"))!;
        Assert.Equal("web", web["metadata"]!["labels"]!["app"]!.GetValue<string>());
        var clusterIp = web["spec"]!["clusterIP"]!.GetValue<string>();
        AssertJson($$"""
            {"ports":[{"name":"80-8080","protocol":"TCP","port":80,"targetPort":8080}],"selector":{"app":"web"},
             "clusterIP":"{{clusterIp}}","clusterIPs":["{{clusterIp}}"],"type":"ClusterIP","sessionAffinity":"None",
             "ipFamilies":["IPv4"],"ipFamilyPolicy":"SingleStack","internalTrafficPolicy":"Cluster"}
            """, web["spec"]);
        Assert.StartsWith("10.", clusterIp, StringComparison.Ordinal);

        var np = (await fx.GetAsync($"/api/v1/namespaces/{ns}/services/np"))!;
        Assert.Equal("""[{"name":"443-https","protocol":"TCP","port":443,"targetPort":"https","nodePort":30443}]""", np["spec"]!["ports"]!.ToJsonString());
        Assert.Equal("NodePort", np["spec"]!["type"]!.GetValue<string>());
        Assert.Equal("Cluster", np["spec"]!["externalTrafficPolicy"]!.GetValue<string>());
        Assert.NotEqual(clusterIp, np["spec"]!["clusterIP"]!.GetValue<string>());

        var rows = KubectlFixture.Table(await fx.OkAsync("get", "services", "-n", ns));
        Assert.Equal("443:30443/TCP", rows.Single(r => r["NAME"] == "np")["PORT(S)"]);
        Assert.Equal("80/TCP", rows.Single(r => r["NAME"] == "web")["PORT(S)"]);
    }

    [Fact]
    public async Task Create_service_externalname()
    {
        var ns = await fx.NewNamespaceAsync();
        await fx.OkAsync("create", "service", "externalname", "ext", "--external-name=db.example.com", "-n", ns);

        var spec = (await fx.GetAsync($"/api/v1/namespaces/{ns}/services/ext"))!["spec"]!;
        // ExternalName services get no cluster IP, IP families nor internalTrafficPolicy.
        AssertJson("""{"selector":{"app":"ext"},"type":"ExternalName","externalName":"db.example.com","sessionAffinity":"None"}""", spec);
    }

    [Fact]
    public async Task Create_pdb_with_min_available_or_max_unavailable()
    {
        var ns = await fx.NewNamespaceAsync();
        Assert.Equal("poddisruptionbudget.policy/web created\n",
            await fx.OkAsync("create", "pdb", "web", "--selector=app=web", "--min-available=1", "-n", ns));
        await fx.OkAsync("create", "pdb", "pct", "--selector=app=web,tier notin (cache)", "--max-unavailable=30%", "-n", ns);

        var web = (await fx.GetAsync($"/apis/policy/v1/namespaces/{ns}/poddisruptionbudgets/web"))!;
        Assert.Equal("""{"minAvailable":1,"selector":{"matchLabels":{"app":"web"}}}""", web["spec"]!.ToJsonString());
        Assert.Equal(1, web["metadata"]!["generation"]!.GetValue<long>());

        var pct = (await fx.GetAsync($"/apis/policy/v1/namespaces/{ns}/poddisruptionbudgets/pct"))!;
        Assert.Equal("""{"selector":{"matchLabels":{"app":"web"},"matchExpressions":[{"key":"tier","operator":"NotIn","values":["cache"]}]},"maxUnavailable":"30%"}""",
            pct["spec"]!.ToJsonString());

        var rows = KubectlFixture.Table(await fx.OkAsync("get", "pdb", "-n", ns));
        Assert.Equal("1", rows.Single(r => r["NAME"] == "web")["MIN AVAILABLE"]);
        Assert.Equal("30%", rows.Single(r => r["NAME"] == "pct")["MAX UNAVAILABLE"]);
    }

    [Fact]
    public async Task Dry_run_server_creates_nothing()
    {
        var ns = await fx.NewNamespaceAsync();
        Assert.Equal("deployment.apps/dry created (server dry run)\n",
            await fx.OkAsync("create", "deployment", "dry", "--image=nginx", "--dry-run=server", "-n", ns));
        Assert.Null(await fx.GetAsync($"/apis/apps/v1/namespaces/{ns}/deployments/dry"));
        Assert.IsType<JsonObject>(await fx.GetAsync($"/apis/apps/v1/namespaces/{ns}/deployments"));
    }

    private static void AssertJson(string expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"expected {JsonNode.Parse(expected)!.ToJsonString()}\nactual   {actual?.ToJsonString()}");
}
