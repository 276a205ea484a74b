using AppKeys.E2E.Tests.Scenario;
using Xunit.Abstractions;

namespace AppKeys.E2E.Tests;

/// <summary>
/// The scenario on a real cluster (kind or k3d), installed the way users install: `make e2e` sets
/// APPKEYS_E2E_CLUSTER, APPKEYS_E2E_IMAGE (already loaded into the cluster) and APPKEYS_E2E_INSTALL
/// (kustomize|helm), and uses the current kubectl context. Without them these tests are skipped, saying why.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class ClusterE2ETests(ITestOutputHelper output)
{
    private static readonly string? Cluster = Environment.GetEnvironmentVariable("APPKEYS_E2E_CLUSTER");
    private static readonly string Image = Environment.GetEnvironmentVariable("APPKEYS_E2E_IMAGE") ?? "appkeys-operator:dev";
    private static readonly string Install = Environment.GetEnvironmentVariable("APPKEYS_E2E_INSTALL") ?? "kustomize";

    [SkippableFact]
    public async Task Kustomize_install_runs_the_key_lifecycle()
    {
        SkipUnless("kustomize");
        using var kubectl = new Kubectl(UserKubeconfig());
        try
        {
            (await ProcessRunner.RunAsync("bash", ["hack/deploy.sh", "apply", Image], environment: Env(kubectl), timeout: TimeSpan.FromMinutes(5))).EnsureSuccess();
            await new KeyLifecycleScenario(kubectl, output, TimeSpan.FromMinutes(2)).RunAsync();
            await AssertNoRequestWasForbiddenAsync(kubectl);
        }
        finally
        {
            var undeploy = await ProcessRunner.RunAsync("bash", ["hack/deploy.sh", "delete", Image], environment: Env(kubectl), timeout: TimeSpan.FromMinutes(5));
            output.WriteLine($"undeploy exited {undeploy.ExitCode}");
        }
    }

    [SkippableFact]
    public async Task Helm_install_runs_the_key_lifecycle()
    {
        SkipUnless("helm");
        Skip.If(FindOnPath("helm") is null, "helm is not installed: install it to run the Helm e2e (make e2e E2E_INSTALL=helm)");
        using var kubectl = new Kubectl(UserKubeconfig());
        var (repository, tag) = SplitImage(Image);
        var env = Env(kubectl);
        try
        {
            (await ProcessRunner.RunAsync("helm", [
                "upgrade", "--install", "appkeys-operator", "charts/appkeys-operator", "--namespace", "appkeys-system", "--create-namespace",
                "--set", $"image.repository={repository}", "--set", $"image.tag={tag}", "--wait", "--timeout", "3m",
            ], environment: env, timeout: TimeSpan.FromMinutes(5))).EnsureSuccess();
            await new KeyLifecycleScenario(kubectl, output, TimeSpan.FromMinutes(2)).RunAsync();
            await AssertNoRequestWasForbiddenAsync(kubectl);
        }
        finally
        {
            await ProcessRunner.RunAsync("helm", ["uninstall", "appkeys-operator", "--namespace", "appkeys-system", "--wait"], environment: env, timeout: TimeSpan.FromMinutes(3));
            // Helm never deletes CRDs; the next install must start clean.
            await kubectl.RunAsync(["delete", "-f", RepositoryRoot.Combine("charts", "appkeys-operator", "crds"), "--ignore-not-found"]);
            await kubectl.RunAsync(["delete", "namespace", "appkeys-system", "--ignore-not-found", "--wait=false"]);
        }
    }

    /// <summary>
    /// A real cluster enforces the installed RBAC: a 403 anywhere in the operator's log means config/rbac (or the
    /// chart) lacks a permission the lifecycle needed. The local least-privilege tests prove the same without a cluster.
    /// </summary>
    private async Task AssertNoRequestWasForbiddenAsync(Kubectl kubectl)
    {
        var logs = (await kubectl.RunAsync("logs", "--namespace", "appkeys-system", "deployment/appkeys-operator", "--all-containers", "--tail=-1")).EnsureSuccess();
        var forbidden = logs.StdOut.Split('\n').Where(l => l.Contains("forbidden", StringComparison.OrdinalIgnoreCase)).ToList();
        output.WriteLine($"operator log: {logs.StdOut.Split('\n').Length} lines, {forbidden.Count} with a 403 (\"forbidden\")");
        Assert.True(forbidden.Count == 0, "the operator was denied requests under the installed RBAC:\n" + string.Join("\n", forbidden.Take(10)));
    }

    private static void SkipUnless(string install)
    {
        Skip.If(string.IsNullOrEmpty(Cluster),
            "no cluster configured: the real-cluster e2e runs with `make kind-up && make e2e` (APPKEYS_E2E_CLUSTER unset); "
            + "the same scenario runs against the local API server in InProcessE2ETests");
        Skip.IfNot(Install.Split(',').Contains(install), $"APPKEYS_E2E_INSTALL={Install} does not include {install}");
    }

    private static string UserKubeconfig()
    {
        var fromEnv = Environment.GetEnvironmentVariable("KUBECONFIG");
        var path = string.IsNullOrEmpty(fromEnv)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config")
            : fromEnv.Split(Path.PathSeparator)[0];
        Assert.True(File.Exists(path), $"APPKEYS_E2E_CLUSTER={Cluster} but there is no kubeconfig at {path}");
        return path;
    }

    private static Dictionary<string, string?> Env(Kubectl kubectl) => new()
    {
        ["KUBECONFIG"] = kubectl.Kubeconfig,
        ["KUBECTL"] = kubectl.Binary,
    };

    private static (string Repository, string Tag) SplitImage(string image)
    {
        var colon = image.LastIndexOf(':');
        return colon > image.LastIndexOf('/') ? (image[..colon], image[(colon + 1)..]) : (image, "latest");
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
}
