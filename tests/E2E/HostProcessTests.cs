using System.Net;
using System.Net.Sockets;
using AppKeys.E2E.Tests.Support;

namespace AppKeys.E2E.Tests;

/// <summary>
/// The shipped executable as a user meets it — the JIT build and the Native AOT executable alike: help, a bad flag, a
/// port already taken, a kubeconfig it cannot use — one clear line each, never a stack trace.
/// </summary>
public sealed class HostProcessTests
{
    [Theory]
    [InlineData(OperatorBuild.Jit)]
    [InlineData(OperatorBuild.Native)]
    public async Task Help_lists_every_documented_flag(OperatorBuild build)
    {
        var help = (await RunAsync(build, "--help")).EnsureSuccess().StdOut;
        var readme = File.ReadAllText(RepositoryRoot.Combine("README.md"));
        var section = readme[readme.IndexOf("## Operator flags", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", 3, StringComparison.Ordinal)];
        var documented = System.Text.RegularExpressions.Regex.Matches(section, @"^\| `(--[a-z-]+)", System.Text.RegularExpressions.RegexOptions.Multiline)
            .Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(documented);
        foreach (var flag in documented)
        {
            Assert.Contains(flag, help, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(OperatorBuild.Jit)]
    [InlineData(OperatorBuild.Native)]
    public async Task A_bad_flag_is_one_line_naming_it_and_exit_2(OperatorBuild build)
    {
        var result = await RunAsync(build, "--workers", "zero");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--workers", result.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StdErr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(OperatorBuild.Jit)]
    [InlineData(OperatorBuild.Native)]
    public async Task A_taken_port_is_one_line_naming_the_flag(OperatorBuild build)
    {
        using var taken = new TcpListener(IPAddress.Any, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var scratch = Directory.CreateTempSubdirectory("appkeys-host-");
        try
        {
            // A kubeconfig is read before the port is bound; nothing listens at its server.
            var kubeconfig = Path.Combine(scratch.FullName, "kubeconfig");
            await File.WriteAllTextAsync(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters: [{name: c, cluster: {server: "https://127.0.0.1:9"}}]
                users: [{name: u, user: {token: t}}]
                contexts: [{name: x, context: {cluster: c, user: u}}]
                current-context: x
                """);
            var result = await RunAsync(build, "--kubeconfig", kubeconfig, "--http-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--leader-elect=false");
            Assert.Equal(1, result.ExitCode);
            var lines = result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Contains(lines, l => l.StartsWith("appkeys-operator: port ", StringComparison.Ordinal) && l.Contains("--http-port", StringComparison.Ordinal));
            Assert.DoesNotContain("   at ", result.StdErr + result.StdOut, StringComparison.Ordinal);
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData(OperatorBuild.Jit)]
    [InlineData(OperatorBuild.Native)]
    public async Task A_kubeconfig_with_a_credential_plugin_is_one_line_and_exit_1(OperatorBuild build)
    {
        var scratch = Directory.CreateTempSubdirectory("appkeys-host-");
        try
        {
            var kubeconfig = Path.Combine(scratch.FullName, "kubeconfig");
            await File.WriteAllTextAsync(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters: [{name: c, cluster: {server: "https://127.0.0.1:9"}}]
                users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: /bin/false}}}]
                contexts: [{name: x, context: {cluster: c, user: u}}]
                current-context: x
                """);
            var result = await RunAsync(build, "--kubeconfig", kubeconfig, "--leader-elect=false");
            Assert.Equal(1, result.ExitCode);
            var line = Assert.Single(result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("appkeys-operator: kubeconfig: user 'u' uses a credential plugin", line, StringComparison.Ordinal);
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    private static Task<ProcessResult> RunAsync(OperatorBuild build, params string[] args)
    {
        var (fileName, leading) = DeployedOperatorProcess.Command(build);
        return ProcessRunner.RunAsync(fileName, [.. leading, .. args], timeout: TimeSpan.FromSeconds(60));
    }
}
