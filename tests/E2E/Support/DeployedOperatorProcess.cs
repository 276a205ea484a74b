using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using AppKeys.LocalApiServer;

namespace AppKeys.E2E.Tests.Support;

/// <summary>
/// What the kubelet would run for an installed operator Deployment, minus the container: the published
/// <c>appkeys-operator</c> (built by the solution build) started as a separate process with exactly the manager
/// container's args and env (downward-API fields resolved as the kubelet would), authenticated as the pod's
/// ServiceAccount through a kubeconfig that stands in for the mounted ServiceAccount token.
/// </summary>
internal sealed class DeployedOperatorProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly DirectoryInfo scratch;

    private DeployedOperatorProcess(Process process, DirectoryInfo scratch, IReadOnlyList<string> arguments, string serviceAccountUser)
    {
        this.process = process;
        this.scratch = scratch;
        Arguments = arguments;
        ServiceAccountUser = serviceAccountUser;
    }

    /// <summary>The container args the process was started with.</summary>
    public IReadOnlyList<string> Arguments { get; }

    /// <summary><c>system:serviceaccount:NS:NAME</c> of the pod.</summary>
    public string ServiceAccountUser { get; }

    /// <summary>Everything the process printed so far (stdout and stderr).</summary>
    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public bool HasExited => process.HasExited;

    /// <summary>True once <see cref="Kill"/> ran.</summary>
    public bool IsKilled { get; private set; }

    /// <summary>
    /// Starts the manager container of <paramref name="deployment"/> (a Deployment as stored by the API server) with
    /// <paramref name="build"/>: the JIT assembly of the solution build, or the Native AOT executable the image ships.
    /// </summary>
    /// <param name="server">The API server the process talks to.</param>
    /// <param name="deployment">The Deployment whose manager container is run.</param>
    /// <param name="podName">The pod name (POD_NAME, the lease identity).</param>
    /// <param name="build">The build to run.</param>
    /// <param name="flags">
    /// Container args to set, by flag (<c>--http-port</c> → <c>8081</c>): an arg <c>--flag=value</c> of the Deployment is
    /// replaced, a missing one appended. Several replicas on one host need ports of their own, as pods have.
    /// </param>
    /// <param name="environment">Environment variables set on top of the container's.</param>
    public static DeployedOperatorProcess Start(
        LocalKubernetesApiServer server,
        JsonNode deployment,
        string podName,
        OperatorBuild build = OperatorBuild.Jit,
        IReadOnlyDictionary<string, string>? flags = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(deployment);
        var ns = (string)deployment["metadata"]!["namespace"]!;
        var pod = deployment["spec"]!["template"]!["spec"]!;
        var serviceAccount = (string?)pod["serviceAccountName"] ?? "default";
        var container = pod["containers"]!.AsArray().Single(c => (string?)c!["name"] == "manager")!;
        var user = $"system:serviceaccount:{ns}:{serviceAccount}";
        var scratch = Directory.CreateTempSubdirectory("appkeys-deployed-operator-");
        var kubeconfig = Path.Combine(scratch.FullName, "kubeconfig");
        File.WriteAllText(kubeconfig, ServiceAccountKubeconfig(server, server.IssueToken(user, ["system:serviceaccounts", $"system:serviceaccounts:{ns}", "system:authenticated"])));

        var (fileName, leading) = Command(build);
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = scratch.FullName,
        };
        foreach (var arg in leading)
        {
            psi.ArgumentList.Add(arg);
        }

        var args = container["args"]?.AsArray().Select(a => (string)a!).ToList() ?? [];
        foreach (var (flag, value) in flags ?? new Dictionary<string, string>())
        {
            args.RemoveAll(a => a == flag || a.StartsWith(flag + "=", StringComparison.Ordinal));
            args.Add($"{flag}={value}");
        }

        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        foreach (var env in container["env"]?.AsArray() ?? [])
        {
            var name = (string)env!["name"]!;
            psi.Environment[name] = env["value"] is { } value
                ? (string)value!
                : (string?)env["valueFrom"]?["fieldRef"]?["fieldPath"] switch
                {
                    "metadata.name" => podName,
                    "metadata.namespace" => ns,
                    var other => throw new NotSupportedException($"env {name}: valueFrom {env["valueFrom"]!.ToJsonString()} ({other}) is not simulated: extend this harness"),
                };
        }

        // In a pod the client finds the mounted token; here the kubeconfig carries the same identity.
        psi.Environment["KUBECONFIG"] = kubeconfig;
        psi.Environment["HOME"] = scratch.FullName;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[name] = value;
        }

        var process = new Process { StartInfo = psi };
        var harness = new DeployedOperatorProcess(process, scratch, args, user);
        process.OutputDataReceived += (_, e) => harness.Append(e.Data);
        process.ErrorDataReceived += (_, e) => harness.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return harness;
    }

    /// <summary>SIGKILL, as the kubelet kills a container that ignores SIGTERM or a node that dies: no lease release, no cleanup.</summary>
    public void Kill()
    {
        IsKilled = true;
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await process.WaitForExitAsync(timeout.Token);
        }

        process.Dispose();
        scratch.Delete(recursive: true);
    }

    /// <summary>The host assembly of the same configuration as this test assembly (the solution build makes it).</summary>
    public static string HostAssembly()
    {
        var path = Path.Combine(RepositoryRoot.OutputOf("src", "AppKeys.Operator.Host"), "appkeys-operator.dll");
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"{path} is missing: build the solution first (make build)");
    }

    /// <summary>
    /// The Native AOT executable <c>make publish</c> writes (<c>PUBLISH_DIR</c>, default <c>publish/</c>); `make test`
    /// publishes it first. Missing is a failure, never a skip: the image ships this file.
    /// </summary>
    public static string NativeExecutable()
    {
        var directory = Environment.GetEnvironmentVariable("PUBLISH_DIR") is { Length: > 0 } dir
            ? System.IO.Path.GetFullPath(dir, RepositoryRoot.Path)
            : RepositoryRoot.Combine("publish");
        var path = System.IO.Path.Combine(directory, "appkeys-operator");
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"{path} is missing: publish the native executable first (make publish; make test does)");
    }

    /// <summary>The program and leading arguments that run <paramref name="build"/>.</summary>
    public static (string FileName, string[] Arguments) Command(OperatorBuild build) => build switch
    {
        OperatorBuild.Jit => ("dotnet", [HostAssembly()]),
        OperatorBuild.Native => (NativeExecutable(), []),
        _ => throw new ArgumentOutOfRangeException(nameof(build)),
    };

    private static string ServiceAccountKubeconfig(LocalKubernetesApiServer server, string token) => $$"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: local
          cluster:
            server: {{server.BaseAddress.ToString().TrimEnd('/')}}
            certificate-authority-data: {{Convert.ToBase64String(Encoding.UTF8.GetBytes(server.CertificateAuthorityPem!))}}
        users:
        - name: pod
          user:
            token: {{token}}
        contexts:
        - name: pod
          context:
            cluster: local
            user: pod
        current-context: pod
        """;

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }
}
