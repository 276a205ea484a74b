using System.Diagnostics;
using AppKeys.Runtime.Client;
using k8s;
using k8s.Models;

namespace AppKeys.Benchmarks.Scale;

/// <summary>
/// `apiserver` mode: the local API server alone. Writes/s (ConfigMaps and Secrets created in parallel with
/// KubernetesClient) and watch fan-out (W watchers each receiving the ADDED events of M ConfigMaps: events/s delivered).
/// </summary>
internal static class ApiServerBenchmark
{
    public const string Usage = "apiserver [--objects 2000] [--parallel 16] [--watchers 50] [--events 200]";

    public static async Task RunAsync(BenchArgs args, TextWriter output, CancellationToken cancellationToken)
    {
        var objects = args.Int("objects", 2000);
        var parallel = args.Int("parallel", 16);
        var watchers = args.Int("watchers", 50);
        var events = args.Int("events", 200);
        output.WriteLine(ScaleBenchmark.Inv($"# apiserver: {objects} writes per kind with {parallel} in flight; {watchers} watchers x {events} events; {Environment.ProcessorCount} cores, load average {ScaleBenchmark.LoadAverage()}"));
        await using var harness = await ScaleHarness.StartAsync(cancellationToken);
        var client = harness.Driver;

        // Warm up the routes and the JIT so the figures are the steady rate.
        for (var i = 0; i < 50; i++)
        {
            await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap($"warmup-{i}"), "default", cancellationToken: cancellationToken);
        }

        var t0 = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, objects),
            new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = cancellationToken },
            async (i, ct) => await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap($"cm-{i:D6}"), "default", cancellationToken: ct));
        var t1 = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, objects),
            new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = cancellationToken },
            async (i, ct) => await client.CoreV1.CreateNamespacedSecretAsync(Secret($"secret-{i:D6}"), "default", cancellationToken: ct));
        var t2 = Stopwatch.GetTimestamp();
        output.WriteLine(ScaleBenchmark.Inv($"ConfigMap creates: {objects / (ScaleBenchmark.Ms(t0, t1) / 1000):F0}/s; Secret creates: {objects / (ScaleBenchmark.Ms(t1, t2) / 1000):F0}/s"));

        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "fanout" } }, cancellationToken: cancellationToken);
        var configMaps = harness.DriverClient<V1ConfigMap>();
        var start = await configMaps.ListAsync("fanout", cancellationToken: cancellationToken);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var connected = new CountdownEvent(watchers);
        var done = Enumerable.Range(0, watchers)
            .Select(_ => Task.Run(() => WatchAsync(configMaps, start.ResourceVersion, events, connected, stop.Token), stop.Token))
            .ToArray();
        if (!connected.Wait(TimeSpan.FromSeconds(60), cancellationToken))
        {
            throw new TimeoutException("watchers did not connect within 60 s");
        }

        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);

        var w0 = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, events),
            new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (i, ct) => await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap($"fan-{i:D6}"), "fanout", cancellationToken: ct));
        var w1 = Stopwatch.GetTimestamp();
        await Task.WhenAll(done).WaitAsync(TimeSpan.FromMinutes(5), cancellationToken);
        var w2 = Stopwatch.GetTimestamp();
        var seconds = ScaleBenchmark.Ms(w0, w2) / 1000;
        output.WriteLine(ScaleBenchmark.Inv($"watch fan-out: {events} events created in {ScaleBenchmark.Ms(w0, w1) / 1000:F2} s, all delivered to {watchers} watchers after {seconds:F2} s: {(double)watchers * events / seconds:F0} events/s delivered"));
        await stop.CancelAsync();
    }

    private static async Task WatchAsync(IResourceClient<V1ConfigMap> client, string resourceVersion, int expected, CountdownEvent connected, CancellationToken cancellationToken)
    {
        var seen = 0;
        await using var events = client.WatchAsync("fanout", new ListOptions(ResourceVersion: resourceVersion), 600, cancellationToken).GetAsyncEnumerator(cancellationToken);

        // The first MoveNextAsync sends the request; the watch starts at resourceVersion, so events created before
        // the connection is up are still delivered (the timing then includes the connection).
        var next = events.MoveNextAsync();
        connected.Signal();
        while (await next)
        {
            if (events.Current.Type == WatchEventType.Added && ++seen == expected)
            {
                return;
            }

            next = events.MoveNextAsync();
        }

        throw new InvalidOperationException($"watch ended after {seen} of {expected} events");
    }

    private static V1ConfigMap ConfigMap(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Data = new Dictionary<string, string> { ["key"] = name, ["payload"] = new string('x', 256) },
    };

    private static V1Secret Secret(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        StringData = new Dictionary<string, string> { ["token"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(96)) },
    };
}
