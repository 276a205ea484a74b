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

    public Task<ProcessResult> RunAsync(IEnumerable<string> arguments, string? stdin = null, TimeSpan? timeout = null)
    {
        var env = new Dictionary<string, string?>
        {
            ["HOME"] = home,
            ["KUBECONFIG"] = Kubeconfig ?? Path.Combine(home, ".kube", "config"),
            ["KUBECACHEDIR"] = Path.Combine(home, ".kube", "cache"),
        };
        return ProcessRunner.RunAsync(Binary, arguments, environment: env, stdin: stdin, timeout: timeout ?? TimeSpan.FromSeconds(60));
    }

    public Task<ProcessResult> RunAsync(params string[] arguments) => RunAsync((IEnumerable<string>)arguments);

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

    /// <summary>Finds kubectl 1.32; fails (never skips) when there is no kubectl at all.</summary>
    public static string Locate()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "kubectl"))
            .FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("kubectl is not on PATH: the README's prerequisites are the .NET SDK and kubectl");
        var resolved = new FileInfo(onPath).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? onPath;
        var versioned = Path.Combine(Path.GetDirectoryName(resolved)!, "kubectl.1.32");
        return File.Exists(versioned) ? versioned : onPath;
    }
}
