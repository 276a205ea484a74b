using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using AppKeys.E2E.Tests.Support;
using AppKeys.LocalApiServer;
using AppKeys.LocalApiServer.Authorization;
using Xunit.Abstractions;

namespace AppKeys.E2E.Tests;

/// <summary>
/// The chart and config/default judged by the real Helm 3.17.2 and kubectl 1.32 against the local API server with
/// RBAC and OwnerReferencesPermissionEnforcement on: lint and template over the documented value combinations, the
/// values schema enforced by Helm itself, then install → the operator as a separate process with the rendered
/// Deployment's args and env, as the installed ServiceAccount under the installed RBAC → the key lifecycle with 0
/// denials → upgrade → rollback → uninstall.
/// </summary>
public sealed class HelmInstallTests(ITestOutputHelper output)
{
    private const string Release = "appkeys";
    private const string ReleaseNamespace = "appkeys-system";
    private static readonly string Chart = RepositoryRoot.Combine("charts", "appkeys-operator");

    [Fact]
    public async Task Chart_lints_strictly_and_renders_with_the_documented_value_combinations()
    {
        using var helm = await Helm.CreateAsync();
        var result = await ProcessRunner.RunAsync(
            "bash",
            [RepositoryRoot.Combine("hack", "helm-lint.sh")],
            environment: new Dictionary<string, string?> { ["HELM"] = helm.Binary },
            timeout: TimeSpan.FromMinutes(3));
        output.WriteLine(result.EnsureSuccess().StdOut);
    }

    [Fact]
    public async Task Rollout_restart_rbac_is_rendered_only_when_enabled_and_bound_like_the_operators_clusterrole()
    {
        using var helm = await Helm.CreateAsync();
        async Task<List<JsonObject>> RenderAsync(params string[] values) =>
            Yaml.LoadObjects((await helm.RunAsync(["template", Release, Chart, "--namespace", ReleaseNamespace, .. values])).EnsureSuccess().StdOut)
                .Where(o => ((string?)o["metadata"]?["name"])?.EndsWith("-rollout-restart", StringComparison.Ordinal) == true).ToList();

        Assert.Empty(await RenderAsync());

        var enabled = await RenderAsync("--set", "rolloutRestart.enabled=true");
        var role = Assert.Single(enabled, o => (string?)o["kind"] == "ClusterRole");
        var component = Yaml.Load(File.ReadAllText(RepositoryRoot.Combine("config", "components", "rollout-restart", "role.yaml")))!;
        Assert.True(JsonNode.DeepEquals(component["rules"], role["rules"]), role.ToJsonString());
        var binding = Assert.Single(enabled, o => (string?)o["kind"] == "ClusterRoleBinding");
        Assert.Equal((string?)role["metadata"]!["name"], (string?)binding["roleRef"]!["name"]);
        Assert.Equal(ReleaseNamespace, (string?)binding["subjects"]![0]!["namespace"]);

        // With watchNamespaces the grant is per watched namespace only: no cluster-wide patch of workloads.
        var scoped = await RenderAsync("--set", "rolloutRestart.enabled=true", "--set", "watchNamespaces={team-a,team-b}");
        Assert.DoesNotContain(scoped, o => (string?)o["kind"] == "ClusterRoleBinding");
        Assert.Equal(["team-a", "team-b"], scoped.Where(o => (string?)o["kind"] == "RoleBinding").Select(o => (string)o["metadata"]!["namespace"]!).Order());
    }

    [Theory]
    [InlineData("replicaCount", "\"two\"")]
    [InlineData("image.pullPolicy", "\"Sometimes\"")]
    [InlineData("leaderElection.enabled", "\"yes\"")]
    [InlineData("metrics.port", "70000")]
    [InlineData("extraArgs", "[\"leader-elect\"]")]
    [InlineData("watchNamespaces", "[\"Team_A\"]")]
    [InlineData("watchNamespaces", "\"team-a\"")]
    [InlineData("unknownTopLevel", "1")]
    [InlineData("metrics.serviceMonitor.unknown", "true")]
    public async Task Helm_refuses_values_the_schema_forbids(string path, string json)
    {
        using var helm = await Helm.CreateAsync();
        var result = await helm.RunAsync("template", Release, Chart, "--namespace", ReleaseNamespace, "--set-json", $"{path}={json}");
        Assert.False(result.Succeeded, $"helm rendered the chart with {path}={json}");
        Assert.Contains("values don't meet the specifications of the schema", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Install_runs_the_key_lifecycle_under_the_charts_rbac_then_upgrade_rollback_and_uninstall()
    {
        await using var world = await RbacWorld.StartAsync();
        using var helm = await Helm.CreateAsync(world.Kubeconfig);
        var port = FreePort();
        output.WriteLine((await helm.RunAsync("install", Release, Chart, "-n", ReleaseNamespace, "--create-namespace", "--set", $"metrics.port={port}", "--set", $"oauth.port={FreePort()}")).EnsureSuccess().StdOut);

        var deployment = await world.DeploymentAsync(ReleaseNamespace, $"app.kubernetes.io/instance={Release}");
        await using (var process = DeployedOperatorProcess.Start(world.Server, deployment, "appkeys-helm-0"))
        {
            Assert.Contains($"--http-port={port}", process.Arguments);
            await world.RunKeyLifecycleAsync(process, output);
        }

        // Upgrade with changed values: the Deployment follows.
        (await helm.RunAsync("upgrade", Release, Chart, "-n", ReleaseNamespace, "--reuse-values", "--set", "extraArgs={--workers=3}", "--set", "replicaCount=2")).EnsureSuccess();
        var upgraded = await world.DeploymentAsync(ReleaseNamespace, $"app.kubernetes.io/instance={Release}");
        Assert.Contains("--workers=3", upgraded["spec"]!["template"]!["spec"]!["containers"]![0]!["args"]!.AsArray().Select(a => (string)a!));
        Assert.Equal(2, (int)upgraded["spec"]!["replicas"]!);

        // Rollback to the first revision: the changed values are gone again.
        (await helm.RunAsync("rollback", Release, "1", "-n", ReleaseNamespace)).EnsureSuccess();
        var rolledBack = await world.DeploymentAsync(ReleaseNamespace, $"app.kubernetes.io/instance={Release}");
        Assert.DoesNotContain("--workers=3", rolledBack["spec"]!["template"]!["spec"]!["containers"]![0]!["args"]!.AsArray().Select(a => (string)a!));
        Assert.Equal(1, (int)rolledBack["spec"]!["replicas"]!);
        var history = (await helm.RunAsync("history", Release, "-n", ReleaseNamespace, "-o", "json")).EnsureSuccess().StdOut;
        Assert.Equal(3, JsonNode.Parse(history)!.AsArray().Count);

        // Uninstall removes what the release templated; Helm keeps CRDs (crds/ is install-only), as documented.
        (await helm.RunAsync("uninstall", Release, "-n", ReleaseNamespace)).EnsureSuccess();
        Assert.Equal("", (await world.Kubectl.RunAsync("get", "deploy,sa,role,rolebinding", "-n", ReleaseNamespace, "-l", $"app.kubernetes.io/instance={Release}", "-o", "name")).EnsureSuccess().StdOut.Trim());
        Assert.Equal("", (await world.Kubectl.RunAsync("get", "clusterrole,clusterrolebinding", "-l", $"app.kubernetes.io/instance={Release}", "-o", "name")).EnsureSuccess().StdOut.Trim());
        (await world.Kubectl.RunAsync("get", "crd", "applications.appkeys.io", "applicationkeys.appkeys.io")).EnsureSuccess();
        Assert.True(world.Server.Denials.Total == 0, string.Join("; ", world.Server.Denials.Denied));
    }

    [Fact]
    public async Task Kubectl_apply_k_config_default_runs_the_key_lifecycle_under_its_rbac()
    {
        await using var world = await RbacWorld.StartAsync();
        output.WriteLine((await world.Kubectl.RunAsync(["apply", "--server-side", "-k", RepositoryRoot.Combine("config", "default")], timeout: TimeSpan.FromMinutes(2))).EnsureSuccess().StdOut);
        var deployment = await world.DeploymentAsync(ReleaseNamespace, "app.kubernetes.io/name=appkeys-operator");
        await using var process = DeployedOperatorProcess.Start(world.Server, deployment, "appkeys-operator-0", flags: OwnPorts());
        await world.RunKeyLifecycleAsync(process, output);
        Assert.True(world.Server.Denials.Total == 0, string.Join("; ", world.Server.Denials.Denied));
    }

    /// <summary>
    /// The image's executable — Native AOT, published by `make publish` — as the installed ServiceAccount under
    /// config/default's RBAC (least privilege, RBAC enforced): the key becomes Ready with 0 denials, then the whole
    /// <see cref="Scenario.KeyLifecycleScenario"/> (samples, JWTs verified against the published JWKS, renewal, consumer
    /// secret regeneration, deletion and cleanup) runs against it.
    /// </summary>
    [Fact]
    public async Task Native_executable_runs_the_key_lifecycle_as_its_service_account_under_config_default_rbac()
    {
        await using var world = await RbacWorld.StartAsync();
        output.WriteLine((await world.Kubectl.RunAsync(["apply", "--server-side", "-k", RepositoryRoot.Combine("config", "default")], timeout: TimeSpan.FromMinutes(2))).EnsureSuccess().StdOut);
        var deployment = await world.DeploymentAsync(ReleaseNamespace, "app.kubernetes.io/name=appkeys-operator");
        await using var process = DeployedOperatorProcess.Start(world.Server, deployment, "appkeys-operator-0", OperatorBuild.Native, OwnPorts());
        await world.RunKeyLifecycleAsync(process, output);
        try
        {
            await new Scenario.KeyLifecycleScenario(world.Kubectl, output, TimeSpan.FromSeconds(90), ReleaseNamespace).RunAsync();
        }
        catch
        {
            output.WriteLine(process.Output);
            throw;
        }

        Assert.False(process.HasExited, "the native operator exited");
        var operatorDenials = world.Server.Denials.Denied.Where(d => d.User == process.ServiceAccountUser).ToList();
        Assert.True(operatorDenials.Count == 0, string.Join("; ", operatorDenials));
    }

    /// <summary>
    /// config/default's ports (8080, 8443) are the pod's own in a cluster; on a test machine other processes may hold
    /// them, so the process gets free ones.
    /// </summary>
    private static Dictionary<string, string> OwnPorts() => new()
    {
        ["--http-port"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["--oauth-port"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A local API server enforcing RBAC, its admin kubectl, and the key lifecycle an installed operator must run.</summary>
    private sealed class RbacWorld : IAsyncDisposable
    {
        private readonly DirectoryInfo scratch;

        private RbacWorld(LocalKubernetesApiServer server, DirectoryInfo scratch)
        {
            Server = server;
            this.scratch = scratch;
            Kubeconfig = server.WriteKubeconfig(Path.Combine(scratch.FullName, "kubeconfig"));
            Kubectl = new Kubectl(Kubeconfig);
        }

        public LocalKubernetesApiServer Server { get; }

        public string Kubeconfig { get; }

        public Kubectl Kubectl { get; }

        public static async Task<RbacWorld> StartAsync()
        {
            var server = await LocalKubernetesApiServer.StartAsync(new LocalApiServerOptions
            {
                Authorization = AuthorizationMode.Rbac,
                OwnerReferencesPermissionEnforcement = true,
            });
            return new RbacWorld(server, Directory.CreateTempSubdirectory("appkeys-helm-e2e-"));
        }

        public async Task<JsonNode> DeploymentAsync(string ns, string selector)
        {
            var list = JsonNode.Parse((await Kubectl.RunAsync("get", "deployments", "-n", ns, "-l", selector, "-o", "json")).EnsureSuccess().StdOut)!;
            return Assert.Single(list["items"]!.AsArray())!;
        }

        /// <summary>An Application and a key in a fresh namespace become Ready with a token in the key's Secret; the operator is never denied.</summary>
        public async Task RunKeyLifecycleAsync(DeployedOperatorProcess process, ITestOutputHelper output)
        {
            const string ns = "shop";
            var manifest = $$"""
                apiVersion: v1
                kind: Namespace
                metadata: {name: {{ns}}}
                ---
                apiVersion: appkeys.io/v1alpha1
                kind: Application
                metadata: {name: storefront, namespace: {{ns}}}
                spec: {keyTypes: [Production], allowedScopes: [orders:read]}
                ---
                apiVersion: appkeys.io/v1alpha1
                kind: ApplicationKey
                metadata: {name: storefront-orders, namespace: {{ns}}}
                spec: {applicationRef: {name: storefront}, scopes: [orders:read], validityPeriod: 3600}
                """;
            (await Kubectl.RunAsync(["apply", "-f", "-"], stdin: manifest)).EnsureSuccess();
            try
            {
                await Eventually.GetAsync(async () =>
                {
                    Assert.False(process.HasExited, "the operator process exited");
                    var conditions = (await Kubectl.RunAsync("get", "applicationkey", "storefront-orders", "-n", ns, "-o", "jsonpath={.status.conditions}")).EnsureSuccess().StdOut;
                    var ready = conditions.Length == 0 ? null : JsonNode.Parse(conditions)!.AsArray().SingleOrDefault(c => (string?)c!["type"] == "Ready");
                    return (string?)ready?["status"] == "True" ? ready : throw new InvalidOperationException($"conditions: {conditions}");
                }, "the key to be Ready", TimeSpan.FromSeconds(90));
                var keys = (await Kubectl.RunAsync("get", "secret", "storefront-orders", "-n", ns, "-o", "go-template={{range $k, $v := .data}}{{$k}} {{end}}")).EnsureSuccess().StdOut;
                Assert.Contains("accessToken", keys.Split(' '));
                Assert.Contains("consumerKey", keys.Split(' '));
                var operatorDenials = Server.Denials.Denied.Where(d => d.User == process.ServiceAccountUser).ToList();
                Assert.True(operatorDenials.Count == 0, string.Join("; ", operatorDenials));
                Assert.DoesNotContain("Forbidden", process.Output, StringComparison.Ordinal);
            }
            catch
            {
                output.WriteLine(process.Output);
                throw;
            }
            finally
            {
                (await Kubectl.RunAsync("delete", "namespace", ns, "--wait=false")).EnsureSuccess();
            }
        }

        public async ValueTask DisposeAsync()
        {
            Kubectl.Dispose();
            await Server.DisposeAsync();
            scratch.Delete(recursive: true);
        }
    }
}
