using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using AppKeys.E2E.Tests.Support;
using Xunit.Abstractions;

namespace AppKeys.E2E.Tests;

/// <summary>
/// No Docker engine runs in CI, so these tests hold the Dockerfile to what can be checked without one: its shape,
/// and its build stage's COPY, restore and publish instructions, run for real in a scratch copy of its context.
/// </summary>
public sealed partial class DockerfileTests(ITestOutputHelper output)
{
    private const string HostProject = "src/AppKeys.Operator.Host/AppKeys.Operator.Host.csproj";

    private static readonly Dockerfile Docker = Dockerfile.Parse(File.ReadAllText(RepositoryRoot.Combine("Dockerfile")));

    [Fact]
    public void Runtime_stage_is_a_chiseled_aspnet_image_running_as_a_numeric_non_root_user()
    {
        var final = Docker.Final;
        Assert.Matches(@"^mcr\.microsoft\.com/dotnet/aspnet:10\.0-[a-z]+-chiseled$", final.BaseImage);
        var user = Assert.Single(final.All("USER"));
        var match = NumericUser().Match(user);
        Assert.True(match.Success, $"USER must be numeric (uid[:gid]) so runAsNonRoot can verify it, got '{user}'");
        Assert.NotEqual(0, int.Parse(match.Groups["uid"].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains(final.All("COPY"), c => c.StartsWith("--from=build ", StringComparison.Ordinal));
    }

    [Fact]
    public void Exposed_port_and_user_match_the_manager_deployment()
    {
        var rendered = Yaml.LoadObjects(File.ReadAllText(RepositoryRoot.Combine("config", "manager", "manager.yaml")));
        var pod = rendered.Single(o => (string?)o["kind"] == "Deployment")["spec"]!["template"]!["spec"]!;
        var container = pod["containers"]!.AsArray().Single(c => (string?)c!["name"] == "manager")!;
        var ports = container["ports"]!.AsArray().Select(p => (int)(long)p!["containerPort"]!).ToList();
        var exposed = Docker.Final.All("EXPOSE").SelectMany(e => e.Split(' ')).Select(p => int.Parse(p.Split('/')[0], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(ports.Order(), exposed.Order());

        var uid = NumericUser().Match(Assert.Single(Docker.Final.All("USER"))).Groups["uid"].Value;
        Assert.Equal(uid, pod["securityContext"]!["runAsUser"]!.ToString());
    }

    [Fact]
    public void Build_stage_copies_every_project_the_operator_needs_before_restoring()
    {
        var build = Docker.Stage("build");
        var copiedBeforeRestore = build.Instructions
            .TakeWhile(i => !(i.Keyword == "RUN" && i.Arguments.Contains("dotnet restore", StringComparison.Ordinal)))
            .Where(i => i.Keyword == "COPY")
            .SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipLast(1))
            .ToHashSet(StringComparer.Ordinal);

        foreach (var project in ProjectClosure(HostProject))
        {
            Assert.Contains(project, copiedBeforeRestore);
            Assert.Contains(Path.GetDirectoryName(project)!.Replace('\\', '/') + "/packages.lock.json", copiedBeforeRestore);
        }

        foreach (var shared in new[] { "global.json", "Directory.Build.props", "Directory.Packages.props", "BannedSymbols.txt" })
        {
            Assert.Contains(shared, copiedBeforeRestore);
        }
    }

    [Fact]
    public void Makefile_publish_uses_the_Dockerfile_publish_arguments()
    {
        var docker = DotnetCommand(Docker.Stage("build"), "publish");
        var make = File.ReadAllLines(RepositoryRoot.Combine("Makefile"))
            .SkipWhile(l => !l.StartsWith("publish:", StringComparison.Ordinal))
            .Skip(1)
            .TakeWhile(l => l.StartsWith('\t'))
            .Single(l => l.Contains(" publish ", StringComparison.Ordinal))
            .Replace("$(DOTNET)", "dotnet", StringComparison.Ordinal)
            .Replace("$(OPERATOR_PROJECT)", HostProject, StringComparison.Ordinal)
            .Trim();
        Assert.Equal(WithoutOutput(docker), WithoutOutput(make));
    }

    [Fact]
    public async Task Build_stage_restores_and_publishes_in_a_copy_of_the_build_context()
    {
        var build = Docker.Stage("build");
        var scratch = Directory.CreateTempSubdirectory("appkeys-docker-build-");
        try
        {
            var src = Path.Combine(scratch.FullName, "src");
            var app = Path.Combine(scratch.FullName, "app");
            var context = new DockerBuildContext(RepositoryRoot.Path, File.ReadAllText(RepositoryRoot.Combine(".dockerignore")));
            Assert.Equal("/src", Assert.Single(build.All("WORKDIR")));
            Directory.CreateDirectory(src);
            var env = new Dictionary<string, string?>
            {
                // Keep the child build from leaving MSBuild nodes or a build server behind.
                ["MSBUILDDISABLENODEREUSE"] = "1",
                ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0",
            };
            foreach (var instruction in build.Instructions)
            {
                switch (instruction.Keyword)
                {
                    case "COPY":
                        context.Copy(instruction.Arguments, src);
                        break;
                    case "ENV":
                        foreach (var pair in instruction.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                        {
                            var eq = pair.IndexOf('=', StringComparison.Ordinal);
                            env[pair[..eq]] = pair[(eq + 1)..];
                        }

                        break;
                    case "RUN":
                        var command = Regex.Replace(instruction.Arguments, @"(?<=\s)/app(?=\s|$)", app);
                        output.WriteLine($"RUN {command}");
                        var result = await ProcessRunner.RunAsync("bash", ["-c", command], src, env, timeout: TimeSpan.FromMinutes(8));
                        result.EnsureSuccess();
                        break;
                    case "WORKDIR":
                        break;
                    default:
                        throw new NotSupportedException($"Build stage instruction {instruction.Keyword} is not simulated: extend this test");
                }
            }

            var entrypoint = JsonNode.Parse(Assert.Single(Docker.Final.All("ENTRYPOINT")))!.AsArray().Select(n => (string)n!).ToList();
            var dll = entrypoint.Single(a => a.EndsWith(".dll", StringComparison.Ordinal));
            Assert.StartsWith("/app/", dll);
            Assert.True(File.Exists(Path.Combine(app, dll["/app/".Length..])), $"the ENTRYPOINT's {dll} was not published");
            var runtimeConfig = JsonNode.Parse(File.ReadAllText(Path.Combine(app, Path.ChangeExtension(dll["/app/".Length..], ".runtimeconfig.json"))))!;
            var frameworks = runtimeConfig["runtimeOptions"]!["frameworks"]?.AsArray().Select(f => (string)f!["name"]!)
                ?? [(string)runtimeConfig["runtimeOptions"]!["framework"]!["name"]!];
            Assert.Contains("Microsoft.AspNetCore.App", frameworks);
            AssertShipsOnlyTheOperator(app);
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    /// <summary>
    /// The image holds the operator and what it runs on: no local API server, dev host or manifest generator, no
    /// symbols, XML docs, satellite folders or web.config. YamlDotNet is there only as KubernetesClient's own
    /// dependency (it reads kubeconfig files for <c>--kubeconfig</c>): no project of ours references it.
    /// </summary>
    private static void AssertShipsOnlyTheOperator(string app)
    {
        var files = Directory.EnumerateFileSystemEntries(app).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.DoesNotContain(files, f => f!.Contains("LocalApiServer", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(files, f => f!.StartsWith("appkeys-operator-dev", StringComparison.Ordinal) || f.StartsWith("appkeys-manifests", StringComparison.Ordinal));
        Assert.DoesNotContain(files, f => f!.EndsWith(".pdb", StringComparison.Ordinal) || f.EndsWith(".xml", StringComparison.Ordinal) || f == "web.config");
        Assert.All(Directory.EnumerateDirectories(app), d => Assert.Fail($"unexpected folder {Path.GetFileName(d)} in the image"));
        var libraries = JsonNode.Parse(File.ReadAllText(Path.Combine(app, "appkeys-operator.deps.json")))!["targets"]!.AsObject().Single().Value!.AsObject();
        var ours = libraries.Where(l => l.Key.StartsWith("AppKeys.", StringComparison.Ordinal) || l.Key.StartsWith("appkeys-operator/", StringComparison.Ordinal)).ToList();
        Assert.Equal(["AppKeys.Credentials", "AppKeys.Operator", "AppKeys.Runtime", "appkeys-operator"], ours.Select(l => l.Key.Split('/')[0]).Order(StringComparer.Ordinal));
        foreach (var (name, library) in ours)
        {
            var dependencies = library!["dependencies"]?.AsObject().Select(d => d.Key) ?? [];
            Assert.DoesNotContain("YamlDotNet", dependencies);
        }

        Assert.Contains("YamlDotNet", libraries.Single(l => l.Key.StartsWith("KubernetesClient/", StringComparison.Ordinal)).Value!["dependencies"]!.AsObject().Select(d => d.Key));
    }

    private static string DotnetCommand(DockerStage stage, string verb) =>
        stage.All("RUN").Single(r => r.StartsWith($"dotnet {verb} ", StringComparison.Ordinal));

    private static string WithoutOutput(string command) => OutputOption().Replace(command, string.Empty).Trim();

    private static List<string> ProjectClosure(string root)
    {
        var seen = new List<string>();
        var pending = new Queue<string>([root]);
        while (pending.TryDequeue(out var project))
        {
            if (seen.Contains(project))
            {
                continue;
            }

            seen.Add(project);
            var dir = Path.GetDirectoryName(project)!;
            foreach (var reference in XDocument.Load(RepositoryRoot.Combine(project)).Descendants("ProjectReference"))
            {
                var include = reference.Attribute("Include")!.Value.Replace('\\', '/');
                pending.Enqueue(Path.GetRelativePath(RepositoryRoot.Path, Path.GetFullPath(Path.Combine(RepositoryRoot.Path, dir, include))).Replace('\\', '/'));
            }
        }

        return seen;
    }

    [GeneratedRegex(@"^(?<uid>[0-9]+)(:[0-9]+)?$")]
    private static partial Regex NumericUser();

    [GeneratedRegex(@"\s-o\s+\S+")]
    private static partial Regex OutputOption();
}
