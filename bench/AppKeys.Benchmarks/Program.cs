using AppKeys.Benchmarks;
using AppKeys.Benchmarks.Scale;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

if (args is ["cpu-time", ..])
{
    // `cpu-time [seconds]`: CPU time per operation, robust to a machine shared with other busy processes.
    var seconds = args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1.0;
    CpuTimeProbe.Run(Console.Out, TimeSpan.FromSeconds(seconds));
    return;
}

// Scale modes (docs/benchmarks.md): the operator and the local API server under load.
switch (args)
{
    case ["scale", .. var rest]:
        await ScaleBenchmark.RunAsync(new BenchArgs(rest), Console.Out, CancellationToken.None);
        return;
    case ["apiserver", .. var rest]:
        await ApiServerBenchmark.RunAsync(new BenchArgs(rest), Console.Out, CancellationToken.None);
        return;
    case ["memory", .. var rest]:
        await MemoryBenchmark.RunAsync(new BenchArgs(rest), Console.Out, CancellationToken.None);
        return;
    case ["reconnects", .. var rest]:
        await ReconnectBenchmark.RunAsync(new BenchArgs(rest), Console.Out, CancellationToken.None);
        return;
    case ["scrape", .. var rest]:
        await ScrapeBenchmark.RunAsync(new BenchArgs(rest), Console.Out, CancellationToken.None);
        return;
    case ["ratelimit", .. var rest]:
        await RateLimitBenchmark.RunAsync(new BenchArgs(rest), Console.Out, CancellationToken.None);
        return;
    default:
        break;
}

// Every benchmark class in this assembly is selectable: `--filter '*TokenIssuance*'`, `--list flat`, `--job short`.
// (Anchored on a benchmark type: the top-level `Program` name clashes with the referenced operator's.)
// Out-of-process runs rebuild the whole solution graph; on a busy 2-core machine that exceeds the 2-minute default.
var config = ManualConfig.Create(DefaultConfig.Instance).WithBuildTimeout(TimeSpan.FromMinutes(15));
BenchmarkSwitcher.FromAssembly(typeof(TokenIssuanceBenchmarks).Assembly).Run(args, config);
