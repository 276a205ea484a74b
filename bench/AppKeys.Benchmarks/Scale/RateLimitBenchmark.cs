using System.Diagnostics;
using AppKeys.LocalApiServer;
using AppKeys.Runtime.Client;
using k8s;
using k8s.Models;

namespace AppKeys.Benchmarks.Scale;

/// <summary>
/// `ratelimit` mode (issue #3): drives the runtime's real <see cref="RateLimitingHandler"/> with more demand than it
/// allows (<c>--parallel</c> callers in a loop) and reports the rate it lets through after the burst against the
/// configured QPS. Target <c>server</c> sends GETs of one ConfigMap to the local API server through KubernetesClient
/// (the handler chain the operator uses); target <c>counting</c> answers locally, isolating the limiter.
/// </summary>
internal static class RateLimitBenchmark
{
    public const string Usage = "ratelimit [--qps 20] [--burst 50] [--seconds 10] [--parallel 8] [--tolerance 0.05] [--target server|counting]";

    public static async Task RunAsync(BenchArgs args, TextWriter output, CancellationToken cancellationToken)
    {
        var qps = args.Double("qps", 20);
        var burst = args.Int("burst", 50);
        var seconds = args.Double("seconds", 10);
        var parallel = args.Int("parallel", 8);
        var tolerance = args.Double("tolerance", 0.05);
        var target = args.String("target", "server");
        output.WriteLine(ScaleBenchmark.Inv($"# ratelimit: {qps} QPS / burst {burst}, {parallel} callers for {seconds} s against {target}; {Environment.ProcessorCount} cores, load average {ScaleBenchmark.LoadAverage()}"));

        var options = new ClientRateLimitOptions { Qps = qps, Burst = burst };
        var passed = target switch
        {
            "counting" => await RunCountingAsync(options, parallel, seconds, cancellationToken),
            "server" => await RunServerAsync(options, parallel, seconds, cancellationToken),
            _ => throw new ArgumentException($"--target must be server or counting, not '{target}'"),
        };
        Report(output, passed, qps, burst, seconds, tolerance);
        output.WriteLine(ScaleBenchmark.Inv($"load average at the end: {ScaleBenchmark.LoadAverage()}"));
    }

    private static async Task<long[]> RunCountingAsync(ClientRateLimitOptions options, int parallel, double seconds, CancellationToken cancellationToken)
    {
        var stamps = new PassTimestamps(answerLocally: true);
        using var invoker = new HttpMessageInvoker(new RateLimitingHandler(options, TimeProvider.System) { InnerHandler = stamps });
        var uri = new Uri("http://counting.invalid/api/v1/namespaces/default/configmaps/probe");
        await DriveAsync(parallel, seconds, async ct =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            using var response = await invoker.SendAsync(request, ct);
        }, cancellationToken);
        return stamps.Snapshot();
    }

    private static async Task<long[]> RunServerAsync(ClientRateLimitOptions options, int parallel, double seconds, CancellationToken cancellationToken)
    {
        await using var server = await LocalKubernetesApiServer.StartAsync(new LocalApiServerOptions(), cancellationToken);
        using var kubeconfig = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(server.KubeconfigYaml));
        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig);
        using (var setup = new Kubernetes(config))
        {
            await new ResourceClient<V1ConfigMap>(new KubernetesTransport(setup)).CreateAsync(
                new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "probe", NamespaceProperty = "default" } }, cancellationToken);
        }

        // The operator's chain: the rate limiting handler outermost, then (here) the timestamps, then the transport.
        var stamps = new PassTimestamps();
        using var client = new Kubernetes(config, new RateLimitingHandler(options, TimeProvider.System), stamps);
        var configMaps = new ResourceClient<V1ConfigMap>(new KubernetesTransport(client));
        await DriveAsync(parallel, seconds, async ct => _ = await configMaps.GetAsync("probe", "default", ct), cancellationToken);
        return stamps.Snapshot();
    }

    /// <summary>Runs <paramref name="parallel"/> callers back to back until the time is up (more demand than the limit).</summary>
    private static async Task DriveAsync(int parallel, double seconds, Func<CancellationToken, Task> call, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(TimeSpan.FromSeconds(seconds));
        var callers = Enumerable.Range(0, parallel).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await call(stop.Token);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
            }
        }, CancellationToken.None));
        await Task.WhenAll(callers);
    }

    /// <summary>
    /// The bucket lets at most <c>burst + qps·t</c> requests through by time t. The sustained rate is measured from 1 s
    /// after the first request (when the burst is long spent) to the end of the run, so the burst does not inflate it.
    /// </summary>
    private static void Report(TextWriter output, long[] stamps, double qps, int burst, double seconds, double tolerance)
    {
        if (stamps.Length == 0)
        {
            output.WriteLine("no request passed");
            return;
        }

        var t0 = stamps[0];
        double At(long stamp) => (stamp - t0) / (double)Stopwatch.Frequency;
        var times = stamps.Select(At).Where(t => t <= seconds).ToArray();
        var firstSecond = times.Count(t => t < 1);
        var inFirst100Ms = times.Count(t => t < 0.1);
        var steady = times.Where(t => t >= 1).ToArray();
        var window = seconds - 1;
        var achieved = steady.Length / window;
        var deviation = (achieved / qps) - 1;
        output.WriteLine(ScaleBenchmark.Inv($"requests passed: {times.Length} in {seconds} s (bucket allows at most {burst + (qps * seconds):F0})"));
        output.WriteLine(ScaleBenchmark.Inv($"burst: {inFirst100Ms} in the first 100 ms, {firstSecond} in the first second (allows at most {burst + qps:F0})"));
        output.WriteLine(ScaleBenchmark.Inv($"after the burst (1 s to {seconds} s): {steady.Length} requests = {achieved:F2} QPS, configured {qps} QPS, deviation {deviation * 100:+0.0;-0.0} % (tolerance ±{tolerance * 100:F0} %): {(Math.Abs(deviation) <= tolerance ? "PASS" : "FAIL")}"));
    }
}
