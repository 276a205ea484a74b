using System.Diagnostics;
using AppKeys.Operator.Apis;
using k8s.Models;

namespace AppKeys.Benchmarks.Scale;

/// <summary>
/// `reconnects` mode (issue #3): the operator in-process with its informers' watch timeout cut to 1 s, so the server
/// ends every watch after 1-2 s and the informers reconnect continually; reports the managed heap and RSS as the
/// reconnect count grows. A leak per reconnect shows as a heap that grows with the count.
/// </summary>
internal static class ReconnectBenchmark
{
    public const string Usage = "reconnects [--keys 100] [--seconds 60] [--samples 6]";

    public static async Task RunAsync(BenchArgs args, TextWriter output, CancellationToken cancellationToken)
    {
        var keys = args.Int("keys", 100);
        var duration = TimeSpan.FromSeconds(args.Double("seconds", 60));
        var samples = args.Int("samples", 6);
        output.WriteLine(ScaleBenchmark.Inv($"# reconnects: {keys} keys, watch timeout 1 s, {duration.TotalSeconds:F0} s; {Environment.ProcessorCount} cores, load average {ScaleBenchmark.LoadAverage()}"));
        await using var harness = await ScaleHarness.StartAsync(cancellationToken);
        var keyClient = harness.DriverClient<V1Alpha1ApplicationKey>();
        await using var tracker = new ReadyTracker(keyClient, harness.DriverClient<V1Secret>(), ScaleBenchmark.Namespace);
        await harness.DriverClient<V1Alpha1Application>().CreateAsync(ScaleBenchmark.Application(ScaleBenchmark.AppName(0)), cancellationToken);
        for (var i = 0; i < keys; i++)
        {
            await keyClient.CreateAsync(ScaleBenchmark.Key(ScaleBenchmark.KeyName(i), ScaleBenchmark.AppName(0)), cancellationToken);
        }

        await harness.StartOperatorAsync(qps: null, burst: 100, workers: 2, watchTimeout: TimeSpan.FromSeconds(1), cancellationToken);
        await tracker.WaitForReadyCountAsync(keys, TimeSpan.FromMinutes(5), cancellationToken);
        await ScaleBenchmark.SettleAsync(harness.OperatorRequests, cancellationToken);

        var start = harness.OperatorRequests.Snapshot();
        output.WriteLine($"reconnects 0: {ProcessMemory.Describe()}");
        var t0 = Stopwatch.GetTimestamp();
        for (var s = 1; s <= samples; s++)
        {
            await Task.Delay(duration / samples, cancellationToken);
            var counts = harness.OperatorRequests.Snapshot() - start;
            output.WriteLine(ScaleBenchmark.Inv($"reconnects {counts.Watches} after {ScaleBenchmark.Ms(t0, Stopwatch.GetTimestamp()) / 1000:F0} s (relists {counts.Reads}, writes {counts.Writes}): {ProcessMemory.Describe()}"));
        }
    }
}
