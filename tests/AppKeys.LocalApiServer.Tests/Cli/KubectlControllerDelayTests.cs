using System.Diagnostics;
using AppKeys.LocalApiServer.Tests.Server;

namespace AppKeys.LocalApiServer.Tests.Cli;

/// <summary>
/// The controller-manager delay profile (<see cref="LocalApiServerOptions.WithControllerManagerDelays"/>, what
/// <c>appkeys-apiserver</c> runs with) seen through kubectl on the real clock: a dependent outlives its owner for a
/// moment and <c>kubectl wait --for=delete</c> sees it go; a namespace keeps its contents for seconds.
/// </summary>
public sealed class KubectlControllerDelayTests : IAsyncLifetime
{
    private readonly ApiServerFixture api = new();
    private Kubectl kubectl = null!;

    public async Task InitializeAsync()
    {
        api.Options.WithControllerManagerDelays();
        await api.InitializeAsync();
        kubectl = new Kubectl(api.KubeconfigPath);
    }

    public async Task DisposeAsync()
    {
        kubectl.Dispose();
        await api.DisposeAsync();
    }

    private async Task<string> OkAsync(params string[] args)
    {
        var r = await kubectl.RunAsync(args);
        Assert.True(r.ExitCode == 0, r.ToString());
        return r.StdOut;
    }

    [Fact]
    public async Task Dependents_and_namespace_contents_go_after_a_realistic_delay()
    {
        var ns = await api.NewNamespaceAsync();
        await OkAsync("create", "configmap", "owner", "-n", ns);
        var uid = (await OkAsync("get", "configmap", "owner", "-n", ns, "-o", "jsonpath={.metadata.uid}")).Trim();
        var (code, body, _) = await api.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps",
            $$$"""{"metadata":{"name":"dependent","ownerReferences":[{"apiVersion":"v1","kind":"ConfigMap","name":"owner","uid":"{{{uid}}}"}]}}""");
        Assert.True(code == 201, body?.ToJsonString());

        var clock = Stopwatch.StartNew();
        await OkAsync("delete", "configmap", "owner", "-n", ns, "--wait=false");
        Assert.Equal("configmap/dependent\n", await OkAsync("get", "configmap", "dependent", "-n", ns, "-o", "name"));
        await OkAsync("wait", "--for=delete", "configmap/dependent", "-n", ns, "--timeout=30s");
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1), $"collected after {clock.Elapsed}");

        await OkAsync("create", "configmap", "kept", "-n", ns);
        clock.Restart();
        await OkAsync("delete", "namespace", ns, "--wait=false");
        Assert.Equal("configmap/kept\n", await OkAsync("get", "configmap", "kept", "-n", ns, "-o", "name"));
        await OkAsync("wait", "--for=delete", $"namespace/{ns}", "--timeout=60s");
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(5), $"namespace removed after {clock.Elapsed}");
    }
}
