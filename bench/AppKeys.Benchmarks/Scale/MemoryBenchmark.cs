using System.Diagnostics;
using System.Globalization;
using AppKeys.Operator.Apis;
using k8s.Models;

namespace AppKeys.Benchmarks.Scale;

/// <summary>
/// `memory` mode: the operator as a separate process, as deployed, against the local API server hosted here — each
/// build named by <c>--operators</c> in turn, each against a fresh server: <c>jit</c> (<c>dotnet appkeys-operator.dll</c>,
/// the solution build), <c>native</c> (the Native AOT executable of <c>make publish</c>), or a path (a <c>.dll</c> runs
/// under <c>dotnet</c>). Reports per build: process start to the first key Ready, RSS idle and after N keys, the
/// executable's size, and the operator's CPU time (utime + stime from /proc) per issued key. Keys are the default shape
/// (JWT, ES256), so keys per CPU-second is the operator's ES256 issuance rate, API traffic included.
/// </summary>
internal static class MemoryBenchmark
{
    public const string Usage = "memory [--keys 1000] [--settle 5] [--hold 0] [--operators jit,native|PATH,...]";

    public static async Task RunAsync(BenchArgs args, TextWriter output, CancellationToken cancellationToken)
    {
        var keys = args.Int("keys", 1000);
        var settle = TimeSpan.FromSeconds(args.Double("settle", 5));
        // Keeps each operator running this long after the loaded measurement (its pid is printed), for dotnet-gcdump or smaps.
        var hold = TimeSpan.FromSeconds(args.Double("hold", 0));
        var builds = args.String("operators", "jit").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var tuning = Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(k => k.StartsWith("DOTNET_", StringComparison.Ordinal)).Order().ToList();
        if (tuning.Count > 0)
        {
            output.WriteLine($"operator environment (inherited): {string.Join(' ', tuning.Select(k => $"{k}={Environment.GetEnvironmentVariable(k)}"))}");
        }

        // TLS trust as config/manager and the chart set it, unless --system-trust: see RunOneAsync.
        var systemTrust = args.String("system-trust", "false") == "true";
        output.WriteLine(systemTrust
            ? $"operator TLS trust store (inherited, --system-trust): SSL_CERT_FILE={Environment.GetEnvironmentVariable("SSL_CERT_FILE")} SSL_CERT_DIR={Environment.GetEnvironmentVariable("SSL_CERT_DIR")}"
            : "operator TLS trust store: the API server's CA only (SSL_CERT_FILE, SSL_CERT_DIR empty), as config/manager sets it");
        var results = new List<Result>();
        foreach (var build in builds)
        {
            output.WriteLine(ScaleBenchmark.Inv($"# memory: operator process '{build}', {keys} keys; {Environment.ProcessorCount} cores, load average {ScaleBenchmark.LoadAverage()}"));
            results.Add(await RunOneAsync(build, keys, settle, hold, systemTrust, output, cancellationToken));
        }

        output.WriteLine();
        output.WriteLine(ScaleBenchmark.Inv($"| | {string.Join(" | ", results.Select(r => r.Build))} |"));
        output.WriteLine($"| --- |{string.Concat(results.Select(_ => " ---: |"))}");
        Row(output, "executable (MB, 10^6 B)", results, r => r.ExecutableBytes / 1e6, "F1");
        Row(output, "process start → first key Ready (ms)", results, r => r.StartToReadyMs, "F0");
        Row(output, "CPU until first key Ready (ms)", results, r => r.StartCpuMs, "F0");
        Row(output, "idle RSS, 1 key (MiB)", results, r => r.IdleRss / ProcessMemory.MiB, "F1");
        Row(output, ScaleBenchmark.Inv($"RSS after {keys} keys Ready (MiB)"), results, r => r.LoadedRss / ProcessMemory.MiB, "F1");
        Row(output, "operator CPU per issued key (ms)", results, r => r.CpuMsPerKey, "F2");
        Row(output, "issued keys per operator CPU-second", results, r => 1000 / r.CpuMsPerKey, "F0");
        Row(output, "keys Ready per second (wall clock)", results, r => r.KeysPerSecond, "F1");
    }

    private static void Row(TextWriter output, string name, List<Result> results, Func<Result, double> value, string format) =>
        output.WriteLine($"| {name} | {string.Join(" | ", results.Select(r => value(r).ToString(format, CultureInfo.InvariantCulture)))} |");

    private static async Task<Result> RunOneAsync(string build, int keys, TimeSpan settle, TimeSpan hold, bool systemTrust, TextWriter output, CancellationToken cancellationToken)
    {
        var (fileName, leading, executable) = Resolve(build);
        await using var harness = await ScaleHarness.StartAsync(cancellationToken);
        var keyClient = harness.DriverClient<V1Alpha1ApplicationKey>();
        await using var tracker = new ReadyTracker(keyClient, harness.DriverClient<V1Secret>(), ScaleBenchmark.Namespace);
        await harness.DriverClient<V1Alpha1Application>().CreateAsync(ScaleBenchmark.Application(ScaleBenchmark.AppName(0)), cancellationToken);
        await keyClient.CreateAsync(ScaleBenchmark.Key("bench-warmup", ScaleBenchmark.AppName(0)), cancellationToken);

        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in leading.Concat(["--kubeconfig", harness.KubeconfigPath, "--leader-elect", "false", "--http-port", "0", "--oauth-port", "0", "--qps", "100000", "--burst", "100000"]))
        {
            start.ArgumentList.Add(arg);
        }

        // TLS trust as config/manager and the chart set it (SSL_CERT_FILE = the ServiceAccount's ca.crt, SSL_CERT_DIR
        // empty): here the local API server's CA. --system-trust keeps the inherited variables (or .NET's defaults).
        if (!systemTrust)
        {
            var ca = Path.Combine(Path.GetDirectoryName(harness.KubeconfigPath)!, "ca.crt");
            await File.WriteAllTextAsync(ca, harness.Server.CertificateAuthorityPem, cancellationToken);
            start.Environment["SSL_CERT_FILE"] = ca;
            start.Environment["SSL_CERT_DIR"] = "";
        }

        var t0 = Stopwatch.GetTimestamp();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {fileName}");
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => log.Enqueue(e.Data ?? string.Empty);
        process.ErrorDataReceived += (_, e) => log.Enqueue(e.Data ?? string.Empty);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var pid = process.Id.ToString(CultureInfo.InvariantCulture);
            var firstReady = await tracker.KeyReady("bench-warmup").WaitAsync(TimeSpan.FromMinutes(2), cancellationToken);
            var startCpu = CpuMs(pid);
            var startToReady = ScaleBenchmark.Ms(t0, firstReady);
            output.WriteLine(ScaleBenchmark.Inv($"process start to first key Ready: {startToReady:F0} ms (operator CPU {startCpu:F0} ms)"));
            await Task.Delay(settle, cancellationToken);
            var idleRss = ProcessMemory.StatusBytes(pid, "VmRSS");
            output.WriteLine($"idle (1 key): operator {ProcessMemory.DescribeResident(pid)}");

            var cpuBefore = CpuMs(pid);
            var loadStart = Stopwatch.GetTimestamp();
            await Parallel.ForEachAsync(
                Enumerable.Range(0, keys),
                new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
                async (i, ct) => await keyClient.CreateAsync(ScaleBenchmark.Key(ScaleBenchmark.KeyName(i), ScaleBenchmark.AppName(0)), ct));
            await tracker.WaitForReadyCountAsync(keys + 1, TimeSpan.FromMinutes(30), cancellationToken);
            var loadSeconds = Stopwatch.GetElapsedTime(loadStart).TotalSeconds;
            var cpuPerKey = (CpuMs(pid) - cpuBefore) / keys;
            await Task.Delay(settle, cancellationToken);
            var loadedRss = ProcessMemory.StatusBytes(pid, "VmRSS");
            output.WriteLine(ScaleBenchmark.Inv($"after {keys} keys Ready ({keys / loadSeconds:F1} keys/s): operator {ProcessMemory.DescribeResident(pid)}, CPU {cpuPerKey:F2} ms per key"));
            if (hold > TimeSpan.Zero)
            {
                output.WriteLine(ScaleBenchmark.Inv($"holding operator pid {pid} for {hold.TotalSeconds:F0} s"));
                await Task.Delay(hold, cancellationToken);
                output.WriteLine($"after the hold: operator {ProcessMemory.DescribeResident(pid)}");
            }

            return new Result(build, new FileInfo(executable).Length, startToReady, startCpu, idleRss, loadedRss, cpuPerKey, keys / loadSeconds);
        }
        catch
        {
            foreach (var line in log.TakeLast(20))
            {
                output.WriteLine($"operator: {line}");
            }

            throw;
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }
    }

    /// <summary>How to start <paramref name="build"/>, and the file whose size is reported (the dll alone for JIT: the runtime is shared).</summary>
    private static (string FileName, string[] Leading, string Executable) Resolve(string build)
    {
        var path = build switch
        {
            "jit" => Path.Combine(RepositoryRoot(), "src", "AppKeys.Operator.Host", "bin", "Release", "net10.0", "appkeys-operator.dll"),
            "native" => Path.Combine(Environment.GetEnvironmentVariable("PUBLISH_DIR") is { Length: > 0 } dir ? Path.GetFullPath(dir) : Path.Combine(RepositoryRoot(), "publish"), "appkeys-operator"),
            _ => Path.GetFullPath(build),
        };
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(build switch { "native" => $"{path} is missing: run make publish", "jit" => $"{path} is missing: run make build", _ => $"{path} is missing" }, path);
        }

        return path.EndsWith(".dll", StringComparison.Ordinal) ? ("dotnet", [path], path) : (path, [], path);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Operator.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Operator.sln not found above the benchmark");
    }

    /// <summary>User + system CPU time of <paramref name="pid"/> in ms (/proc/PID/stat fields 14 and 15, in clock ticks of 10 ms).</summary>
    private static double CpuMs(string pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // fields[0] is field 3 (state): utime is field 14, stime field 15.
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 10.0;
    }

    private sealed record Result(string Build, long ExecutableBytes, double StartToReadyMs, double StartCpuMs, long IdleRss, long LoadedRss, double CpuMsPerKey, double KeysPerSecond);
}
