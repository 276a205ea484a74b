using System.Diagnostics;

namespace AppKeys.LocalApiServer.Tests.Support;

/// <summary>Runs the real kubectl 1.32 (beside the `kubectl` on PATH) with a private HOME and discovery cache.</summary>
internal static class KubectlProcess
{
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string kubeconfig, params string[] args)
    {
        var home = Directory.CreateTempSubdirectory("appkeys-kubectl-").FullName;
        try
        {
            var start = new ProcessStartInfo(Locate())
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in args)
            {
                start.ArgumentList.Add(a);
            }
            start.Environment["HOME"] = home;
            start.Environment["KUBECONFIG"] = kubeconfig;
            start.Environment["KUBECACHEDIR"] = Path.Combine(home, "cache");
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("kubectl " + string.Join(' ', args) + " did not finish within 90 s");
            }
            return (process.ExitCode, await stdout, await stderr);
        }
        finally
        {
            try
            {
                Directory.Delete(home, recursive: true);
            }
            catch (IOException)
            {
                // A cache file still held; the temp folder is reclaimed by the OS.
            }
        }
    }

    private static string Locate()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "kubectl"))
            .FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("kubectl is not on PATH");
        var resolved = new FileInfo(onPath).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? onPath;
        var versioned = Path.Combine(Path.GetDirectoryName(resolved)!, "kubectl.1.32");
        return File.Exists(versioned) ? versioned : onPath;
    }
}
