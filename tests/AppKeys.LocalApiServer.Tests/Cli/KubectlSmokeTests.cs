using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Tests.Server;

namespace AppKeys.LocalApiServer.Tests.Cli;

/// <summary>The real kubectl 1.32 against the server: discovery, tables, create and get -o json.</summary>
public sealed class KubectlSmokeTests(ApiServerFixture fx) : IClassFixture<ApiServerFixture>
{
    [Fact]
    public async Task Get_namespaces_lists_the_seeded_ones()
    {
        using var kubectl = new Kubectl(fx.KubeconfigPath);
        var result = await kubectl.RunAsync("get", "ns");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("NAME", result.StdOut);
        Assert.Contains("STATUS", result.StdOut);
        foreach (var ns in new[] { "default", "kube-system", "kube-public", "kube-node-lease" })
        {
            Assert.Contains(ns, result.StdOut);
        }
        Assert.Contains("Active", result.StdOut);
    }

    [Fact]
    public async Task Create_secret_generic_and_get_it_as_json()
    {
        var ns = await fx.NewNamespaceAsync();
        using var kubectl = new Kubectl(fx.KubeconfigPath);
        var created = await kubectl.RunAsync("create", "secret", "generic", "creds", "-n", ns, "--from-literal=user=admin");
        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.Contains("secret/creds created", created.StdOut);

        var got = await kubectl.RunAsync("get", "secret", "creds", "-n", ns, "-o", "json");
        Assert.True(got.ExitCode == 0, got.ToString());
        var secret = JsonNode.Parse(got.StdOut)!;
        Assert.Equal("Secret", secret["kind"]!.GetValue<string>());
        Assert.Equal("Opaque", secret["type"]!.GetValue<string>());
        Assert.Equal("YWRtaW4=", secret["data"]!["user"]!.GetValue<string>());

        var table = await kubectl.RunAsync("get", "secrets", "-n", ns);
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("TYPE", table.StdOut);
        Assert.Contains("creds", table.StdOut);
    }

    [Fact]
    public async Task Apply_and_delete_a_config_map_from_stdin()
    {
        var ns = await fx.NewNamespaceAsync();
        using var kubectl = new Kubectl(fx.KubeconfigPath);
        var manifest = $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\n  namespace: {ns}\ndata:\n  a: \"1\"\n";
        var applied = await kubectl.RunAsync(["apply", "-f", "-"], manifest);
        Assert.True(applied.ExitCode == 0, applied.ToString());
        Assert.Contains("configmap/applied created", applied.StdOut);
        applied = await kubectl.RunAsync(["apply", "-f", "-"], manifest.Replace("\"1\"", "\"2\"", StringComparison.Ordinal));
        Assert.True(applied.ExitCode == 0, applied.ToString());
        Assert.Contains("configmap/applied configured", applied.StdOut);
        var deleted = await kubectl.RunAsync("delete", "configmap", "applied", "-n", ns);
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
    }
}
