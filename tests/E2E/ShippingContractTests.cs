using System.Text.RegularExpressions;

namespace AppKeys.E2E.Tests;

/// <summary>The promises the README makes about how to build, run and test the project.</summary>
public sealed partial class ShippingContractTests
{
    [Fact]
    public void Ci_runs_exactly_the_readme_test_command()
    {
        var commands = File.ReadAllLines(RepositoryRoot.Combine(".ci", "run"))
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Where(l => MakeInvocation().IsMatch(l))
            .ToList();
        Assert.Equal(["make test"], commands);
        Assert.Equal(["make run", "make test"], QuickstartCommands().Take(2));
    }

    [Fact]
    public void Makefile_has_every_documented_target()
    {
        var targets = File.ReadAllLines(RepositoryRoot.Combine("Makefile"))
            .Select(l => TargetLine().Match(l))
            .Where(m => m.Success)
            .Select(m => m.Groups[1].Value)
            .ToHashSet();
        string[] required =
        [
            "help", "build", "test", "run", "apiserver", "manifests", "verify", "fmt", "publish", "docker-build",
            "kind-up", "k3d-up", "deploy", "undeploy", "e2e", "bench", "helm-lint",
        ];
        Assert.Empty(required.Except(targets));
        var readme = File.ReadAllText(RepositoryRoot.Combine("README.md"));
        Assert.All(required, target => Assert.Contains($"make {target}", readme, StringComparison.Ordinal));
    }

    private static IEnumerable<string> QuickstartCommands()
    {
        var readme = File.ReadAllText(RepositoryRoot.Combine("README.md"));
        var quickstart = readme[readme.IndexOf("## Quickstart", StringComparison.Ordinal)..];
        var fence = Regex.Match(quickstart, "```(?:sh|bash|console)?\n(.*?)```", RegexOptions.Singleline);
        return fence.Groups[1].Value.Split('\n')
            .Select(l => l.Split('#')[0].Trim())
            .Where(l => l.Length > 0);
    }

    [GeneratedRegex(@"^(exec\s+)?make\b")]
    private static partial Regex MakeInvocation();

    [GeneratedRegex(@"^([a-zA-Z0-9_-]+):")]
    private static partial Regex TargetLine();
}
