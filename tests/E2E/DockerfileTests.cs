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
    public void Runtime_stage_is_a_chiseled_runtime_deps_image_running_the_native_executable_as_a_numeric_non_root_user()
    {
        var final = Docker.Final;
        // runtime-deps: no .NET runtime, no ASP.NET Core shared framework; the executable carries what it needs.
        Assert.Matches(@"^mcr\.microsoft\.com/dotnet/runtime-deps:10\.0-[a-z]+-chiseled$", final.BaseImage);
        Assert.Equal(["/app/appkeys-operator"], JsonNode.Parse(Assert.Single(final.All("ENTRYPOINT")))!.AsArray().Select(n => (string)n!));
        Assert.Equal("--from=build /app/appkeys-operator ./", Assert.Single(final.All("COPY")));
        var user = Assert.Single(final.All("USER"));
        var match = NumericUser().Match(user);
        Assert.True(match.Success, $"USER must be numeric (uid[:gid]) so runAsNonRoot can verify it, got '{user}'");
        Assert.NotEqual(0, int.Parse(match.Groups["uid"].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Build_stage_publishes_native_aot_for_linux_x64_on_the_aot_sdk_image()
    {
        var build = Docker.Stage("build");
        // The -aot SDK image has Native AOT's prerequisites (clang, zlib); the plain SDK image has not.
        Assert.Matches(@"^mcr\.microsoft\.com/dotnet/sdk:10\.0-[a-z]+-aot$", build.BaseImage);
        Assert.Contains(" -r linux-x64 ", DotnetCommand(build, "restore") + " ", StringComparison.Ordinal);
        var publish = DotnetCommand(build, "publish");
        Assert.Contains(" -r linux-x64 ", publish, StringComparison.Ordinal);
        Assert.DoesNotContain("PublishAot=false", publish, StringComparison.Ordinal);
        var host = XDocument.Load(RepositoryRoot.Combine(HostProject));
        Assert.Equal("true", host.Descendants("PublishAot").Single().Value);
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

    /// <summary>
    /// The build stage's COPY and restore run for real in a scratch copy of the context; its publish line is compiled
    /// there (<c>dotnet build</c> with the same arguments: every project, analyzers included, from the copied files only)
    /// but not compiled to native code again — that takes 10–20 minutes of CPU on the CI machine, and `make publish`
    /// runs the same command (<see cref="Makefile_publish_uses_the_Dockerfile_publish_arguments"/>) before the tests,
    /// so its output is what the image would hold and is checked here.
    /// </summary>
    [Fact]
    public async Task Build_stage_restores_and_compiles_in_a_copy_of_the_build_context_and_the_publish_holds_only_the_executable()
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
                        if (command.StartsWith("dotnet publish ", StringComparison.Ordinal))
                        {
                            command = "dotnet build " + OutputOption().Replace(command["dotnet publish ".Length..], string.Empty);
                        }

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

            AssertShipsOnlyTheOperator(PublishDirectory());
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    /// <summary>
    /// The image holds one file: the Native AOT executable (README, "The image"). No assemblies, runtimeconfig or
    /// deps.json (nothing for a .NET runtime to load: there is none), no local API server, dev host or manifest
    /// generator, no symbols, XML docs, satellite folders or web.config.
    /// </summary>
    private static void AssertShipsOnlyTheOperator(string app)
    {
        var files = Directory.EnumerateFileSystemEntries(app).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["appkeys-operator"], files);
        var executable = Path.Combine(app, "appkeys-operator");
        using (var stream = File.OpenRead(executable))
        {
            var magic = new byte[4];
            stream.ReadExactly(magic);
            Assert.Equal("\u007fELF"u8.ToArray(), magic);
        }

        if (!OperatingSystem.IsWindows())
        {
            Assert.True(File.GetUnixFileMode(executable).HasFlag(UnixFileMode.UserExecute), "appkeys-operator is not executable");
        }

        var readme = File.ReadAllText(RepositoryRoot.Combine("README.md"));
        Assert.Contains("`/app/appkeys-operator`", readme, StringComparison.Ordinal);
    }

    /// <summary>Where `make publish` wrote the executable (<c>PUBLISH_DIR</c>, default <c>publish/</c>).</summary>
    private static string PublishDirectory() => Path.GetDirectoryName(DeployedOperatorProcess.NativeExecutable())!;

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
