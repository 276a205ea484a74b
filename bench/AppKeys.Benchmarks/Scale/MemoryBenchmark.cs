using System.Diagnostics;
using AppKeys.Operator.Apis;
using k8s.Models;

namespace AppKeys.Benchmarks.Scale;

/// <summary>
/// `memory` mode: the operator as a separate process (the built appkeys-operator.dll, as deployed) against the local
/// API server hosted here. Reports its startup to the first completed reconcile and its RSS idle and after N keys.
/// </summary>
internal static class MemoryBenchmark
{
    public const string Usage = "memory [--keys 1000] [--settle 5]";

    public static async Task RunAsync(BenchArgs args, TextWriter output, CancellationToken cancellationToken)
    {
        var keys = args.Int("keys", 1000);
        var settle = TimeSpan.FromSeconds(args.Double("settle", 5));
        output.WriteLine(ScaleBenchmark.Inv($"# memory: operator process, {keys} keys; {Environment.ProcessorCount} cores, load average {ScaleBenchmark.LoadAverage()}"));
        var tuning = Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(k => k.StartsWith("DOTNET_", StringComparison.Ordinal)).Order().ToList();
        if (tuning.Count > 0)
        {
            output.WriteLine($"operator environment (inherited): {string.Join(' ', tuning.Select(k => $"{k}={Environment.GetEnvironmentVariable(k)}"))}");
        }

        await using var harness = await ScaleHarness.StartAsync(cancellationToken);
        var keyClient = harness.DriverClient<V1Alpha1ApplicationKey>();
        await using var tracker = new ReadyTracker(keyClient, harness.DriverClient<V1Secret>(), ScaleBenchmark.Namespace);
        await harness.DriverClient<V1Alpha1Application>().CreateAsync(ScaleBenchmark.Application(ScaleBenchmark.AppName(0)), cancellationToken);
        await keyClient.CreateAsync(ScaleBenchmark.Key("bench-warmup", ScaleBenchmark.AppName(0)), cancellationToken);

        var dll = Path.Combine(AppContext.BaseDirectory, "appkeys-operator.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { dll, "--kubeconfig", harness.KubeconfigPath, "--leader-elect", "false", "--http-port", "0", "--qps", "100000", "--burst", "100000" })
        {
            start.ArgumentList.Add(arg);
        }

        var t0 = Stopwatch.GetTimestamp();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the operator");
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => log.Enqueue(e.Data ?? string.Empty);
        process.ErrorDataReceived += (_, e) => log.Enqueue(e.Data ?? string.Empty);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var pid = process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var firstReady = await tracker.KeyReady("bench-warmup").WaitAsync(TimeSpan.FromMinutes(2), cancellationToken);
            output.WriteLine(ScaleBenchmark.Inv($"process start to first key Ready: {ScaleBenchmark.Ms(t0, firstReady):F0} ms"));
            await Task.Delay(settle, cancellationToken);
            output.WriteLine($"idle (1 key): operator {ProcessMemory.DescribeResident(pid)}");

            await Parallel.ForEachAsync(
                Enumerable.Range(0, keys),
                new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
                async (i, ct) => await keyClient.CreateAsync(ScaleBenchmark.Key(ScaleBenchmark.KeyName(i), ScaleBenchmark.AppName(0)), ct));
            await tracker.WaitForReadyCountAsync(keys + 1, TimeSpan.FromMinutes(10), cancellationToken);
            await Task.Delay(settle, cancellationToken);
            output.WriteLine(ScaleBenchmark.Inv($"after {keys} keys Ready: operator {ProcessMemory.DescribeResident(pid)}"));
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
}
