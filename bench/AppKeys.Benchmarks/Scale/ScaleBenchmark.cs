using System.Diagnostics;
using System.Globalization;
using AppKeys.Operator.Apis;
using k8s.Models;

namespace AppKeys.Benchmarks.Scale;

/// <summary>
/// `scale` mode: the operator in-process against the local API server. Reports startup to the first completed
/// reconcile, time for N new ApplicationKeys (spread over A Applications) to all be Ready with their Secrets, API
/// requests per issued key, API writes in an idle window afterwards, memory before and after, and the create-to-Secret
/// latency of keys created one at a time afterwards.
/// </summary>
internal static class ScaleBenchmark
{
    public const string Namespace = "default";

    public const string Usage = "scale [--keys 1000] [--apps 10] [--qps off|N] [--burst 100] [--workers 2] [--idle 10] [--latency 200] [--timeout 600]";

    public static async Task RunAsync(BenchArgs args, TextWriter output, CancellationToken cancellationToken)
    {
        var keys = args.Int("keys", 1000);
        var apps = args.Int("apps", 10);
        var qpsText = args.String("qps", "off");
        double? qps = qpsText == "off" ? null : double.Parse(qpsText, CultureInfo.InvariantCulture);
        var burst = args.Int("burst", 100);
        var workers = args.Int("workers", 2);
        var idle = TimeSpan.FromSeconds(args.Double("idle", 10));
        var latencySamples = args.Int("latency", 200);
        var timeout = TimeSpan.FromSeconds(args.Double("timeout", 600));

        output.WriteLine(Inv($"# scale: {keys} keys over {apps} Applications, client rate limit {(qps is null ? "off" : $"{qps} QPS / burst {burst}")}, {workers} workers per controller, {Environment.ProcessorCount} cores, load average {LoadAverage()}"));
        await using var harness = await ScaleHarness.StartAsync(cancellationToken);
        var keyClient = harness.DriverClient<V1Alpha1ApplicationKey>();
        await using var tracker = new ReadyTracker(keyClient, harness.DriverClient<V1Secret>(), Namespace);

        var applications = harness.DriverClient<V1Alpha1Application>();
        for (var i = 0; i < apps; i++)
        {
            await applications.CreateAsync(Application(AppName(i)), cancellationToken);
        }

        await keyClient.CreateAsync(Key("bench-warmup", AppName(0)), cancellationToken);
        output.WriteLine($"before the operator starts (server + driver only, same process): {ProcessMemory.Describe()}");

        var started = Stopwatch.GetTimestamp();
        await harness.StartOperatorAsync(qps, burst, workers, watchTimeout: null, cancellationToken);
        var hostStarted = Stopwatch.GetTimestamp();
        var firstReady = await tracker.KeyReady("bench-warmup").WaitAsync(timeout, cancellationToken);
        output.WriteLine(Inv($"operator host started in {Ms(started, hostStarted):F0} ms; first key Ready {Ms(started, firstReady):F0} ms after start"));

        await SettleAsync(harness.OperatorRequests, cancellationToken);
        output.WriteLine($"idle, 0 keys (1 warm-up key, {apps} apps): {ProcessMemory.Describe()} (whole process: server, driver and operator)");

        var before = harness.OperatorRequests.Snapshot();
        var cpu0 = CpuTime();
        var t0 = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, keys),
            new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (i, ct) => await keyClient.CreateAsync(Key(KeyName(i), AppName(i % apps)), ct));
        var created = Stopwatch.GetTimestamp();
        await tracker.WaitForReadyCountAsync(keys + 1, timeout, cancellationToken);
        for (var i = 0; i < keys; i++)
        {
            await tracker.SecretSeen(KeyName(i) + "-token").WaitAsync(timeout, cancellationToken);
        }

        var t1 = Stopwatch.GetTimestamp();
        var cpu = CpuTime() - cpu0;
        var issued = harness.OperatorRequests.Snapshot() - before;
        var seconds = Ms(t0, t1) / 1000;
        output.WriteLine(Inv($"{keys} keys created in {Ms(t0, created) / 1000:F2} s; all Ready with Secrets after {seconds:F2} s: {keys / seconds:F0} keys/s"));
        output.WriteLine(Inv($"process CPU time while issuing: {cpu.TotalSeconds:F1} s = {cpu.TotalMilliseconds / keys:F1} ms per key (server, driver and operator together; {cpu.TotalSeconds / seconds:F2} cores busy on average)"));
        output.WriteLine($"operator API requests while issuing: {issued}");
        output.WriteLine($"  per issued key: {issued.PerItem(keys)}");

        await SettleAsync(harness.OperatorRequests, cancellationToken);
        var idleStart = harness.OperatorRequests.Snapshot();
        await Task.Delay(idle, cancellationToken);
        var idleCounts = harness.OperatorRequests.Snapshot() - idleStart;
        output.WriteLine(Inv($"idle steady state ({idle.TotalSeconds:F0} s, {keys + 1} Ready keys): {idleCounts}"));
        output.WriteLine($"after {keys} keys: {ProcessMemory.Describe()} (whole process)");

        if (latencySamples > 0)
        {
            var toSecret = new List<double>(latencySamples);
            var toReady = new List<double>(latencySamples);
            for (var i = 0; i < latencySamples; i++)
            {
                var name = $"bench-latency-{i:D5}";
                var start = Stopwatch.GetTimestamp();
                await keyClient.CreateAsync(Key(name, AppName(i % apps)), cancellationToken);
                toSecret.Add(Ms(start, await tracker.SecretSeen(name + "-token").WaitAsync(timeout, cancellationToken)));
                toReady.Add(Ms(start, await tracker.KeyReady(name).WaitAsync(timeout, cancellationToken)));
            }

            output.WriteLine(Inv($"create-to-Secret latency, {latencySamples} keys one at a time: p50 {Percentile(toSecret, 0.50):F1} ms, p99 {Percentile(toSecret, 0.99):F1} ms, max {toSecret.Max():F1} ms"));
            output.WriteLine(Inv($"create-to-Ready latency: p50 {Percentile(toReady, 0.50):F1} ms, p99 {Percentile(toReady, 0.99):F1} ms, max {toReady.Max():F1} ms"));
        }

        output.WriteLine(Inv($"load average at the end: {LoadAverage()}"));
    }

    public static TimeSpan CpuTime()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    public static string AppName(int i) => $"bench-app-{i:D3}";

    public static string KeyName(int i) => $"bench-key-{i:D6}";

    public static V1Alpha1Application Application(string name) => new()
    {
        ApiVersion = AppKeysApi.ApiVersion,
        Kind = AppKeysApi.ApplicationKind,
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Namespace },
        Spec = new V1Alpha1ApplicationSpec { DisplayName = name, Owner = "bench" },
    };

    public static V1Alpha1ApplicationKey Key(string name, string application) => new()
    {
        ApiVersion = AppKeysApi.ApiVersion,
        Kind = AppKeysApi.ApplicationKeyKind,
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Namespace },
        Spec = new V1Alpha1ApplicationKeySpec
        {
            ApplicationRef = new V1Alpha1ApplicationReference { Name = application },
            SecretName = name + "-token",
        },
    };

    public static double Ms(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;

    public static double Percentile(List<double> samples, double p)
    {
        var sorted = samples.Order().ToArray();
        var index = (int)Math.Ceiling(p * sorted.Length) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Length - 1)];
    }

    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    public static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>Waits until the operator has sent no request for a second (its queue drained).</summary>
    public static async Task SettleAsync(RequestCounter counter, CancellationToken cancellationToken)
    {
        var last = counter.Snapshot();
        for (var quiet = 0; quiet < 10;)
        {
            await Task.Delay(100, cancellationToken);
            var now = counter.Snapshot();
            quiet = now == last ? quiet + 1 : 0;
            last = now;
        }
    }
}
