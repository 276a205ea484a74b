using System.Text.Json.Nodes;
using AppKeys.E2E.Tests.Support;

namespace AppKeys.E2E.Tests;

/// <summary>What <c>kubectl kustomize config/default</c> renders: the install users get from <c>make deploy</c>.</summary>
public sealed class KustomizeConfigTests
{
    private const string Ns = "appkeys-system";
    private static readonly Lazy<Task<List<JsonObject>>> Rendered = new(() => Manifests.KustomizeAsync("config/default"));

    private static readonly HashSet<string> ClusterScopedKinds =
        ["Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition"];

    [Fact]
    public async Task Every_namespaced_object_lands_in_appkeys_system()
    {
        var objects = await Rendered.Value;
        Assert.Contains(objects, o => o.Kind() == "Namespace" && o.Name() == Ns);
        foreach (var o in objects.Where(o => !ClusterScopedKinds.Contains(o.Kind()!)))
        {
            Assert.True(o.Namespace() == Ns, $"{o.Kind()}/{o.Name()} is in namespace '{o.Namespace()}'");
        }
    }

    [Fact]
    public async Task Manager_meets_the_restricted_pod_security_standard()
    {
        var pod = PodSpec(await Rendered.Value);
        var podContext = pod["securityContext"]!;
        Assert.True((bool)podContext["runAsNonRoot"]!);
        Assert.True((long)podContext["runAsUser"]! > 0);
        Assert.Equal("RuntimeDefault", (string?)podContext["seccompProfile"]?["type"]);
        Assert.Null(pod["hostNetwork"]);
        Assert.Null(pod["hostPID"]);
        foreach (var container in pod["containers"]!.AsArray().Select(c => c!))
        {
            var sc = container["securityContext"]!;
            Assert.False((bool)sc["allowPrivilegeEscalation"]!);
            Assert.True((bool)sc["readOnlyRootFilesystem"]!);
            Assert.True((bool)sc["runAsNonRoot"]!);
            Assert.Equal(["ALL"], sc["capabilities"]!["drop"].Strings());
            Assert.Null(sc["capabilities"]!["add"]);
            Assert.Null(sc["privileged"]);
        }

        Assert.All(pod["volumes"]?.AsArray() ?? [], v => Assert.Null(v!["hostPath"]));
    }

    [Fact]
    public async Task Manager_has_probes_resources_downward_api_identity_and_leader_election()
    {
        var objects = await Rendered.Value;
        var pod = PodSpec(objects);
        var manager = pod["containers"]!.AsArray().Single(c => (string?)c!["name"] == "manager")!;
        Assert.Equal("/healthz", (string?)manager["livenessProbe"]?["httpGet"]?["path"]);
        Assert.Equal("/readyz", (string?)manager["readinessProbe"]?["httpGet"]?["path"]);
        foreach (var kind in new[] { "requests", "limits" })
        {
            Assert.NotNull(manager["resources"]?[kind]?["cpu"]);
            Assert.NotNull(manager["resources"]?[kind]?["memory"]);
        }

        var env = manager["env"]!.AsArray().ToDictionary(e => (string)e!["name"]!, e => (string?)e!["valueFrom"]?["fieldRef"]?["fieldPath"]);
        Assert.Equal("metadata.name", env["POD_NAME"]);
        Assert.Equal("metadata.namespace", env["POD_NAMESPACE"]);
        // TLS trust: the cluster's CA (the ServiceAccount's ca.crt) and no directory of the image's store.
        var values = manager["env"]!.AsArray().ToDictionary(e => (string)e!["name"]!, e => (string?)e!["value"]);
        Assert.Equal("/var/run/secrets/kubernetes.io/serviceaccount/ca.crt", values["SSL_CERT_FILE"]);
        Assert.Equal("", values["SSL_CERT_DIR"]);
        Assert.Contains("--leader-elect=true", manager["args"].Strings());

        var sa = (string)pod["serviceAccountName"]!;
        Assert.Contains(objects, o => o.Kind() == "ServiceAccount" && o.Name() == sa && o.Namespace() == Ns);
    }

    [Fact]
    public async Task Metrics_service_selects_the_manager_pods_and_a_declared_port()
    {
        var objects = await Rendered.Value;
        var deployment = objects.Single("Deployment", "appkeys-operator");
        var podLabels = deployment["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();
        var service = objects.Single("Service", "appkeys-operator-metrics");
        foreach (var (key, value) in service["spec"]!["selector"]!.AsObject())
        {
            Assert.Equal((string?)value, (string?)podLabels[key]);
        }

        var portNames = PodSpec(objects)["containers"]!.AsArray().SelectMany(c => c!["ports"]!.AsArray()).Select(p => (string?)p!["name"]);
        Assert.All(service["spec"]!["ports"]!.AsArray(), p => Assert.Contains((string?)p!["targetPort"], portNames));
    }

    [Fact]
    public async Task Bindings_grant_the_operator_roles_to_its_service_account()
    {
        var objects = await Rendered.Value;
        var sa = (string)PodSpec(objects)["serviceAccountName"]!;
        var clusterBinding = objects.Single("ClusterRoleBinding", "appkeys-operator");
        Assert.Equal("appkeys-operator", (string?)clusterBinding["roleRef"]!["name"]);
        var electionBinding = objects.Single("RoleBinding", "appkeys-operator-leader-election");
        Assert.Equal(Ns, electionBinding.Namespace());
        Assert.Equal("Role", (string?)electionBinding["roleRef"]!["kind"]);
        foreach (var binding in new[] { clusterBinding, electionBinding })
        {
            var subject = Assert.Single(binding["subjects"]!.AsArray())!;
            Assert.Equal(("ServiceAccount", sa, Ns), ((string)subject["kind"]!, (string)subject["name"]!, (string)subject["namespace"]!));
        }
    }

    [Fact]
    public async Task Operator_rbac_is_least_privilege()
    {
        var objects = await Rendered.Value;
        var role = objects.Single("ClusterRole", "appkeys-operator");
        foreach (var rule in role["rules"]!.AsArray().Select(r => r!))
        {
            Assert.DoesNotContain("*", rule["verbs"].Strings());
            Assert.DoesNotContain("*", rule["resources"].Strings());
            Assert.DoesNotContain("*", rule["apiGroups"].Strings());
            Assert.Null(rule["nonResourceURLs"]);
        }

        // Leader election is confined to Leases in the operator's namespace, in its own Role.
        var election = objects.Single("Role", "appkeys-operator-leader-election");
        Assert.All(election["rules"]!.AsArray(), rule =>
        {
            Assert.Equal(["coordination.k8s.io"], rule!["apiGroups"].Strings());
            Assert.Equal(["leases"], rule["resources"].Strings());
        });
        Assert.DoesNotContain(role["rules"]!.AsArray(), r => r!["resources"].Strings().Contains("leases"));

        // The JWKS ConfigMap is written only in the operator's namespace: a namespaced Role, not the ClusterRole.
        Assert.DoesNotContain(role["rules"]!.AsArray(), r => r!["resources"].Strings().Contains("configmaps"));
        var own = objects.Single("Role", "appkeys-operator");
        Assert.Equal(Ns, own.Namespace());
        Assert.All(own["rules"]!.AsArray(), rule => Assert.Equal(["configmaps"], rule!["resources"].Strings()));
        Assert.Contains(own["rules"]!.AsArray(), rule => rule!["resourceNames"].Strings().SequenceEqual(["appkeys-jwks", "appkeys-oauth-ca"]));
        Assert.Equal("appkeys-operator", (string?)objects.Single("RoleBinding", "appkeys-operator")["roleRef"]!["name"]);
    }

    [Theory]
    [InlineData("appkeys-application-editor", "applications", "aggregate-to-edit")]
    [InlineData("appkeys-applicationkey-editor", "applicationkeys", "aggregate-to-edit")]
    [InlineData("appkeys-application-viewer", "applications", "aggregate-to-view")]
    [InlineData("appkeys-applicationkey-viewer", "applicationkeys", "aggregate-to-view")]
    public async Task User_roles_aggregate_into_the_builtin_roles(string name, string resource, string aggregation)
    {
        var role = (await Rendered.Value).Single("ClusterRole", name);
        Assert.Equal("true", (string?)role["metadata"]!["labels"]![$"rbac.authorization.k8s.io/{aggregation}"]);
        var rules = role["rules"]!.AsArray().Select(r => r!).ToList();
        Assert.All(rules, r => Assert.Equal(["appkeys.io"], r["apiGroups"].Strings()));
        var main = rules.Single(r => r["resources"].Strings().SequenceEqual([resource]));
        var verbs = main["verbs"].Strings().ToHashSet();
        Assert.Subset(verbs, new HashSet<string> { "get", "list", "watch" });
        var writes = new[] { "create", "update", "patch", "delete" };
        if (aggregation == "aggregate-to-view")
        {
            Assert.Empty(verbs.Intersect(writes));
        }
        else
        {
            Assert.Subset(verbs, writes.ToHashSet());
        }

        // Users never write status: that is the operator's alone.
        Assert.All(rules.Where(r => r["resources"].Strings().Any(x => x.EndsWith("/status", StringComparison.Ordinal))),
            r => Assert.Equal(["get"], r["verbs"].Strings()));
    }

    private static JsonNode PodSpec(List<JsonObject> objects) =>
        objects.Single("Deployment", "appkeys-operator")["spec"]!["template"]!["spec"]!;
}
