using System.Diagnostics;

namespace AppKeys.LocalApiServer.Tests.Kubectl;

/// <summary>
/// Runs the real kubectl 1.32 binary (<c>kubectl.1.32</c> beside the <c>kubectl</c> dispatcher on PATH) against a
/// kubeconfig, with an isolated HOME and discovery cache so runs never share cached discovery.
/// </summary>
public sealed class KubectlRunner : IDisposable
{
    private readonly string home = Path.Combine(Path.GetTempPath(), "appkeys-kubectl-" + Guid.NewGuid().ToString("N"));

    public KubectlRunner(string kubeconfigPath)
    {
        KubeconfigPath = kubeconfigPath;
        Binary = FindBinary();
        Directory.CreateDirectory(home);
    }

    public string KubeconfigPath { get; }

    public string Binary { get; }

    /// <summary>
    /// Resolves <c>kubectl.1.32</c>: <c>$KUBECTL_1_32</c>, else beside <c>readlink -f $(which kubectl)</c>.
    /// Fails (never skips) when it cannot be found.
    /// </summary>
    public static string FindBinary()
    {
        if (Environment.GetEnvironmentVariable("KUBECTL_1_32") is { Length: > 0 } explicitPath && File.Exists(explicitPath))
        {
            return explicitPath;
        }
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(dir, "kubectl");
            if (!File.Exists(candidate))
            {
                continue;
            }
            var resolved = new FileInfo(candidate).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? candidate;
            var versioned = Path.Combine(Path.GetDirectoryName(resolved)!, "kubectl.1.32");
            if (File.Exists(versioned))
            {
                return versioned;
            }
        }
        throw new InvalidOperationException("kubectl.1.32 not found beside the kubectl on PATH (set KUBECTL_1_32 to its path)");
    }

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
    }

    /// <summary>Runs kubectl with <paramref name="args"/> (kubeconfig and cache dir added) and optional stdin.</summary>
    public async Task<Result> RunAsync(IEnumerable<string> args, string? stdin = null, int timeoutSeconds = 60)
    {
        var psi = StartInfo(args);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("kubectl did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }
        process.StandardInput.Close();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kubectl {string.Join(' ', args)} did not finish within {timeoutSeconds}s");
        }
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    public Task<Result> RunAsync(params string[] args) => RunAsync(args, null);

    /// <summary>Starts a long-running kubectl (<c>get -w</c>, <c>wait</c>) whose output is read as it arrives.</summary>
    public KubectlStream Start(params string[] args)
    {
        var psi = StartInfo(args);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("kubectl did not start");
        return new KubectlStream(process, string.Join(' ', args));
    }

    private ProcessStartInfo StartInfo(IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(Binary)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("--kubeconfig");
        psi.ArgumentList.Add(KubeconfigPath);
        psi.ArgumentList.Add("--cache-dir");
        psi.ArgumentList.Add(Path.Combine(home, "cache"));
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment["HOME"] = home;
        psi.Environment["KUBECONFIG"] = KubeconfigPath;
        return psi;
    }

    public void Dispose()
    {
        if (Directory.Exists(home))
        {
            Directory.Delete(home, recursive: true);
        }
    }
}
