namespace AppKeys.LocalApiServer.Tests.Cli;

/// <summary>
/// <c>kubectl scale</c> finds the Scale kind of <c>deployments/scale</c> through discovery and patches the
/// subresource (a JSON merge patch without preconditions, a PUT of the Scale with <c>--resource-version</c>).
/// </summary>
public sealed class KubectlScaleTests(KubectlFixture fx) : IClassFixture<KubectlFixture>
{
    [Fact]
    public async Task Scale_deployment_sets_spec_replicas()
    {
        var ns = await fx.NewNamespaceAsync();
        await fx.OkAsync("create", "deployment", "web", "--image=nginx", "-n", ns);

        Assert.Equal("deployment.apps/web scaled\n", await fx.OkAsync("scale", "deployment", "web", "--replicas=3", "-n", ns));
        Assert.Equal("3", await fx.OkAsync("get", "deployment", "web", "-n", ns, "-o", "jsonpath={.spec.replicas}"));
        Assert.Equal(2, (await fx.GetAsync($"/apis/apps/v1/namespaces/{ns}/deployments/web"))!["metadata"]!["generation"]!.GetValue<long>());
    }

    [Fact]
    public async Task Scale_with_preconditions()
    {
        var ns = await fx.NewNamespaceAsync();
        await fx.OkAsync("create", "deployment", "web", "--image=nginx", "--replicas=2", "-n", ns);
        var rv = await fx.OkAsync("get", "deployment", "web", "-n", ns, "-o", "jsonpath={.metadata.resourceVersion}");

        await fx.OkAsync("scale", "deployment", "web", "--current-replicas=2", "--replicas=4", "-n", ns);
        Assert.Equal("4", await fx.OkAsync("get", "deployment", "web", "-n", ns, "-o", "jsonpath={.spec.replicas}"));

        var stale = await fx.FailAsync("scale", "deployment", "web", $"--resource-version={rv}", "--replicas=5", "-n", ns);
        Assert.Contains($"Expected resource version to be {rv}, was ", stale.StdErr, StringComparison.Ordinal);
        var wrongCurrent = await fx.FailAsync("scale", "deployment", "web", "--current-replicas=2", "--replicas=5", "-n", ns);
        Assert.Contains("Expected replicas to be 2, was 4", wrongCurrent.StdErr, StringComparison.Ordinal);
        Assert.Equal("4", await fx.OkAsync("get", "deployment", "web", "-n", ns, "-o", "jsonpath={.spec.replicas}"));

        var missing = await fx.FailAsync("scale", "deployment", "none", "--replicas=1", "-n", ns);
        Assert.Contains("deployments.apps \"none\" not found", missing.StdErr, StringComparison.Ordinal);
    }
}
