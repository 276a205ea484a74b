using System.Diagnostics;

namespace AppKeys.Testing;

/// <summary>
/// Runs the real kubectl 1.32 (the versioned binary beside the `kubectl` on PATH, else `kubectl` itself) with its own
/// HOME, so discovery caches and kubeconfigs of the machine or of other tests never leak in.
/// </summary>
public sealed class Kubectl : IDisposable
{
    private readonly string home;

    public Kubectl(string? kubeconfig = null)
    {
        Binary = Locate();
        home = Directory.CreateTempSubdirectory("appkeys-kubectl-home-").FullName;
        Kubeconfig = kubeconfig;
    }

    public string Binary { get; }

    public string? Kubeconfig { get; }

    public Task<ProcessResult> RunAsync(IEnumerable<string> arguments, string? stdin = null, TimeSpan? timeout = null) =>
        ProcessRunner.RunAsync(Binary, arguments, environment: ChildEnvironment(), stdin: stdin, timeout: timeout ?? TimeSpan.FromSeconds(60));

    public Task<ProcessResult> RunAsync(params string[] arguments) => RunAsync((IEnumerable<string>)arguments);

    /// <summary>Runs one kubectl command with a fresh HOME against <paramref name="kubeconfig"/>.</summary>
    public static async Task<ProcessResult> RunOnceAsync(string kubeconfig, params string[] arguments)
    {
        using var kubectl = new Kubectl(kubeconfig);
        return await kubectl.RunAsync(arguments);
    }

    /// <summary>Starts a long-running kubectl (<c>get -w</c>, <c>wait</c>) whose output is read as it arrives.</summary>
    public KubectlStream Start(params string[] arguments)
    {
        var psi = new ProcessStartInfo(Binary)
        {
            WorkingDirectory = RepositoryRoot.Path,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in ChildEnvironment())
        {
            psi.Environment[key] = value;
        }
        var process = Process.Start(psi) ?? throw new InvalidOperationException("kubectl did not start");
        return new KubectlStream(process, string.Join(' ', arguments));
    }

    private Dictionary<string, string?> ChildEnvironment() => new()
    {
        ["HOME"] = home,
        ["KUBECONFIG"] = Kubeconfig ?? Path.Combine(home, ".kube", "config"),
        ["KUBECACHEDIR"] = Path.Combine(home, ".kube", "cache"),
    };

    public void Dispose()
    {
        try
        {
            Directory.Delete(home, recursive: true);
        }
        catch (IOException)
        {
            // A kubectl still exiting may hold a cache file; the temp folder is reclaimed by the OS.
        }
    }

    /// <summary>
    /// Finds kubectl 1.32: <c>$KUBECTL_1_32</c>, else <c>kubectl.1.32</c> beside the <c>kubectl</c> on PATH, else that
    /// <c>kubectl</c>; fails (never skips) when there is no kubectl at all.
    /// </summary>
    public static string Locate()
    {
        if (System.Environment.GetEnvironmentVariable("KUBECTL_1_32") is { Length: > 0 } explicitPath && File.Exists(explicitPath))
        {
            return explicitPath;
        }
        var onPath = (System.Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "kubectl"))
            .FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("kubectl is not on PATH: the README's prerequisites are the .NET SDK and kubectl");
        var resolved = new FileInfo(onPath).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? onPath;
        var versioned = Path.Combine(Path.GetDirectoryName(resolved)!, "kubectl.1.32");
        return File.Exists(versioned) ? versioned : onPath;
    }
}
