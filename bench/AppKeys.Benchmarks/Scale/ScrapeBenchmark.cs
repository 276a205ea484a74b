using System.Diagnostics;
using AppKeys.Operator.Apis;
using AppKeys.Operator.Hosting;
using AppKeys.Operator.Metrics;
using AppKeys.Runtime.Informers;
using AppKeys.Runtime.Metrics;
using k8s.Models;
using Prometheus;

namespace AppKeys.Benchmarks.Scale;

/// <summary>
/// `scrape` mode (issue #16): the per-key gauges at N keys, in-process, two ways. Kept: three prometheus-net gauges
/// with one child per key, as OperatorMetrics held them until the change (managed heap they retain, and one scrape of
/// them). Computed: <see cref="ApplicationKeyStateMetrics"/> over a cache of N keys shaped like the operator's (retains
/// nothing; one scrape: CPU time, allocation, output size). CPU is the process's, so a busy machine slows the wall
/// clock but hardly the figures.
/// </summary>
internal static class ScrapeBenchmark
{
    public const string Usage = "scrape [--keys 10000] [--scrapes 50]";

    private static readonly DateTime Now = new(2026, 12, 7, 9, 0, 0, DateTimeKind.Utc);

    public static async Task RunAsync(BenchArgs args, TextWriter output, CancellationToken cancellationToken)
    {
        var keys = args.Int("keys", 10_000);
        var scrapes = args.Int("scrapes", 50);
        output.WriteLine(ScaleBenchmark.Inv($"# scrape: {keys} keys, {scrapes} scrapes each way; {Environment.ProcessorCount} cores, load average {ScaleBenchmark.LoadAverage()}"));

        var store = new ObjectStore<V1Alpha1ApplicationKey>();
        for (var i = 0; i < keys; i++)
        {
            store.Upsert(CacheTransforms.ApplicationKey(Key(i)));
        }

        // Kept: what OperatorMetrics.KeyState left behind for every key.
        var before = ProcessMemory.HeapAfterFullCollection();
        var kept = new RuntimeMetrics(Prometheus.Metrics.NewCustomRegistry());
        var factory = Prometheus.Metrics.WithCustomRegistry(kept.Registry);
        var expiration = factory.CreateGauge("appkeys_token_expiration_timestamp_seconds", "Expiry of the current token of an ApplicationKey (absent when it never expires).", "namespace", "name");
        var renewal = factory.CreateGauge("appkeys_token_renewal_timestamp_seconds", "When the current token of an ApplicationKey will be renewed.", "namespace", "name");
        var ready = factory.CreateGauge("appkeys_applicationkey_ready_status", "1 when the ApplicationKey is Ready, else 0.", "namespace", "name");
        foreach (var key in store.List())
        {
            ready.WithLabels(key.Metadata.NamespaceProperty, key.Metadata.Name).Set(1);
            expiration.WithLabels(key.Metadata.NamespaceProperty, key.Metadata.Name).Set(new DateTimeOffset(key.Status.ExpiresAt!.Value).ToUnixTimeSeconds());
            renewal.WithLabels(key.Metadata.NamespaceProperty, key.Metadata.Name).Set(new DateTimeOffset(key.Status.RenewalTime!.Value).ToUnixTimeSeconds());
        }

        var retained = ProcessMemory.HeapAfterFullCollection() - before;
        output.WriteLine(ScaleBenchmark.Inv($"kept as prometheus-net children: managed heap +{retained / 1024.0 / 1024:F2} MiB ({retained / (double)keys:F0} B per key)"));
        // As prometheus-net's MapMetrics served them: the registry streamed straight to the response.
        await MeasureAsync("kept as prometheus-net children", (to, format) => kept.Registry.CollectAndExportAsTextAsync(to, format, cancellationToken), scrapes, output);
        GC.KeepAlive(kept);

        var computed = new RuntimeMetrics(Prometheus.Metrics.NewCustomRegistry());
        computed.AddScrapeTimeMetrics(new ApplicationKeyStateMetrics(store, () => true));
        await MeasureAsync("computed from the cache at scrape time", (to, format) => computed.ExportAsync(to, format, cancellationToken), scrapes, output);
    }

    private static async Task MeasureAsync(string what, Func<Stream, ExpositionFormat, Task> scrape, int scrapes, TextWriter output)
    {
        foreach (var format in new[] { ExpositionFormat.PrometheusText, ExpositionFormat.OpenMetricsText })
        {
            var counter = new CountingStream();
            await scrape(counter, format);
            for (var i = 0; i < 10; i++)
            {
                await scrape(Stream.Null, format); // warm-up: tiered JIT, first-collect callbacks
            }

            var bytes = counter.Length;
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var cpu = ScaleBenchmark.CpuTime();
            var t0 = Stopwatch.GetTimestamp();
            for (var i = 0; i < scrapes; i++)
            {
                await scrape(Stream.Null, format);
            }

            var wall = Stopwatch.GetElapsedTime(t0).TotalMilliseconds / scrapes;
            var cpuMs = (ScaleBenchmark.CpuTime() - cpu).TotalMilliseconds / scrapes;
            var perScrape = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / (double)scrapes;
            output.WriteLine(ScaleBenchmark.Inv($"{what}, {format}: one scrape {cpuMs:F1} ms CPU ({wall:F1} ms wall), {perScrape / 1024:F0} KiB allocated, {bytes / 1024.0:F0} KiB of text"));
        }
    }

    /// <summary>A Ready key with a token that expires in an hour, as the operator's cache holds it (status included).</summary>
    private static V1Alpha1ApplicationKey Key(int i)
    {
        var key = ScaleBenchmark.Key(ScaleBenchmark.KeyName(i), ScaleBenchmark.AppName(0));
        key.Metadata.Uid = Guid.NewGuid().ToString();
        key.Metadata.ResourceVersion = (1000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture);
        key.Status = new V1Alpha1ApplicationKeyStatus
        {
            TokenId = Guid.NewGuid().ToString("N"),
            Revision = 1,
            IssuedAt = Now,
            ExpiresAt = Now.AddHours(1),
            RenewalTime = Now.AddMinutes(40),
            SecretName = key.Spec.SecretName,
            Conditions =
            [
                new V1Condition { Type = "Ready", Status = "True", Reason = "Issued", Message = $"Token {i} (revision 1) is in Secret {key.Spec.SecretName}; it expires at 2026-12-07T10:00:00Z and is renewed at 2026-12-07T09:40:00Z", LastTransitionTime = Now, ObservedGeneration = 1 },
            ],
        };
        return key;
    }

    /// <summary>Counts what is written and keeps nothing.</summary>
    private sealed class CountingStream : Stream
    {
        private long length;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => length;

        public override long Position { get => length; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => length += count;

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            length += buffer.Length;
            return ValueTask.CompletedTask;
        }
    }
}
