namespace AppKeys.LocalApiServer.Tests.Cli;

/// <summary>
/// <c>kubectl rollout restart</c> of the three apps/v1 workload kinds: kubectl finds them through discovery, reads
/// each and sends a strategic merge patch that sets the pod template's <c>kubectl.kubernetes.io/restartedAt</c>
/// (kubectl <c>polymorphichelpers/objectrestarter.go</c>); the patched template bumps generation. Also what
/// <c>kubectl get</c> prints for StatefulSets and DaemonSets (short names, the <c>all</c> category).
/// </summary>
public sealed class KubectlRolloutRestartTests(KubectlFixture fx) : IClassFixture<KubectlFixture>
{
    private static string Workloads(string ns) => $$$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: {{{ns}}}}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}, annotations: {team: shop}}
            spec: {containers: [{name: c, image: nginx:1.27}]}
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db, namespace: {{{ns}}}}
        spec:
          serviceName: db
          selector: {matchLabels: {app: db}}
          template:
            metadata: {labels: {app: db}}
            spec: {containers: [{name: c, image: postgres:17}]}
        ---
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: agent, namespace: {{{ns}}}}
        spec:
          selector: {matchLabels: {app: agent}}
          template:
            metadata: {labels: {app: agent}}
            spec: {containers: [{name: c, image: fluentd:1}]}
        """;

    [Fact]
    public async Task Rollout_restart_sets_the_pod_template_annotation_on_deployments_statefulsets_and_daemonsets()
    {
        var ns = await fx.NewNamespaceAsync();
        Assert.Equal("deployment.apps/web created\nstatefulset.apps/db created\ndaemonset.apps/agent created\n",
            await fx.OkStdinAsync(Workloads(ns), "apply", "-f", "-"));

        Assert.Equal("deployment.apps/web restarted\nstatefulset.apps/db restarted\ndaemonset.apps/agent restarted\n",
            await fx.OkAsync("rollout", "restart", "deployment/web", "statefulset/db", "daemonset/agent", "-n", ns));

        foreach (var (plural, name) in new[] { ("deployments", "web"), ("statefulsets", "db"), ("daemonsets", "agent") })
        {
            var obj = await fx.GetAsync($"/apis/apps/v1/namespaces/{ns}/{plural}/{name}");
            var restartedAt = (string?)obj!["spec"]!["template"]!["metadata"]!["annotations"]!["kubectl.kubernetes.io/restartedAt"];
            Assert.True(DateTimeOffset.TryParse(restartedAt, out var at), $"{plural}/{name}: {restartedAt}");
            Assert.InRange(at, DateTimeOffset.UtcNow.AddMinutes(-2), DateTimeOffset.UtcNow.AddMinutes(1));
            Assert.Equal(2, (long)obj["metadata"]!["generation"]!);
            Assert.Equal(name, (string?)obj["spec"]!["template"]!["metadata"]!["labels"]!["app"]);
        }

        // The strategic merge patch adds to the template's annotations; it replaces none of them.
        Assert.Equal("shop", await fx.OkAsync("get", "deploy", "web", "-n", ns, "-o", "jsonpath={.spec.template.metadata.annotations.team}"));
    }

    [Fact]
    public async Task Get_prints_statefulsets_and_daemonsets_by_short_name_and_in_all()
    {
        var ns = await fx.NewNamespaceAsync();
        await fx.OkStdinAsync(Workloads(ns), "apply", "-f", "-");

        var sts = await fx.OkAsync("get", "sts", "-n", ns);
        Assert.StartsWith("NAME   READY   AGE", sts, StringComparison.Ordinal);
        Assert.Contains("db     0/1", sts, StringComparison.Ordinal);
        var ds = await fx.OkAsync("get", "ds", "-n", ns);
        Assert.StartsWith("NAME    DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR   AGE", ds, StringComparison.Ordinal);
        var all = await fx.OkAsync("get", "all", "-n", ns, "-o", "name");
        Assert.Contains("statefulset.apps/db", all, StringComparison.Ordinal);
        Assert.Contains("daemonset.apps/agent", all, StringComparison.Ordinal);
    }
}
