namespace AppKeys.E2E.Tests.Support;

/// <summary>
/// The pinned Helm 3.17.2 (hack/install-helm.sh puts it in .tools/, checksum verified; <c>make test</c> runs it
/// first, and this class runs it when the binary is missing, so a plain <c>dotnet test</c> needs no extra step). It runs
/// with its own HOME and cache folders, against the kubeconfig it is given.
/// </summary>
internal sealed class Helm : IDisposable
{
    private static readonly SemaphoreSlim InstallLock = new(1, 1);
    private readonly string home;

    private Helm(string binary, string? kubeconfig)
    {
        Binary = binary;
        Kubeconfig = kubeconfig;
        home = Directory.CreateTempSubdirectory("appkeys-helm-home-").FullName;
    }

    public string Binary { get; }

    public string? Kubeconfig { get; }

    public static async Task<Helm> CreateAsync(string? kubeconfig = null)
    {
        await InstallLock.WaitAsync();
        try
        {
            var install = (await ProcessRunner.RunAsync("bash", [RepoPaths.Combine("hack", "install-helm.sh")], timeout: TimeSpan.FromMinutes(5))).EnsureSuccess();
            return new Helm(install.StdOut.Trim(), kubeconfig);
        }
        finally
        {
            InstallLock.Release();
        }
    }

    public Task<ProcessResult> RunAsync(params string[] arguments)
    {
        var env = new Dictionary<string, string?>
        {
            ["HOME"] = home,
            ["HELM_CACHE_HOME"] = Path.Combine(home, "cache"),
            ["HELM_CONFIG_HOME"] = Path.Combine(home, "config"),
            ["HELM_DATA_HOME"] = Path.Combine(home, "data"),
            ["KUBECONFIG"] = Kubeconfig ?? Path.Combine(home, "no-kubeconfig"),
        };
        return ProcessRunner.RunAsync(Binary, arguments, environment: env, timeout: TimeSpan.FromMinutes(2));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(home, recursive: true);
        }
        catch (IOException)
        {
            // The OS reclaims temp folders.
        }
    }
}
