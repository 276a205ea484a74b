using System.Text;
using AppKeys.Runtime.Hosting;
using AppKeys.Runtime.Metrics;
using Microsoft.AspNetCore.Http;
using Prometheus;

namespace AppKeys.Runtime.Tests.Metrics;

/// <summary><see cref="RuntimeMetrics.ExportAsync"/> with <see cref="IScrapeTimeMetrics"/> sources, and what /metrics negotiates.</summary>
public class ScrapeTimeMetricsTests
{
    private sealed class Source(Func<MetricsTextWriter, ValueTask> write) : IScrapeTimeMetrics
    {
        public ValueTask WriteAsync(MetricsTextWriter writer, CancellationToken cancellationToken) => write(writer);
    }

    private static RuntimeMetrics WithSource(Func<MetricsTextWriter, ValueTask> write)
    {
        var metrics = new RuntimeMetrics(Prometheus.Metrics.NewCustomRegistry());
        metrics.AddScrapeTimeMetrics(new Source(write));
        return metrics;
    }

    private static async Task<string> ExportAsync(RuntimeMetrics metrics, ExpositionFormat format)
    {
        using var buffer = new MemoryStream();
        await metrics.ExportAsync(buffer, format);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string[] Lines(string text, string prefix) =>
        [.. text.Split('\n').Where(l => l.StartsWith(prefix, StringComparison.Ordinal))];

    [Fact]
    public async Task Label_values_are_escaped_and_values_written_as_prometheus_net_writes_them()
    {
        var metrics = WithSource(async w =>
        {
            w.BeginGauge("test_escapes", "Help with a \\ backslash,\na newline and a \"quote\".", "namespace", "name");
            await w.SampleAsync(1, "ns", "back\\slash \"quoted\"\nnext line é");
            await w.SampleAsync(0, "ns", "zero");
            await w.SampleAsync(1765000000, "ns", "timestamp");
            await w.SampleAsync(0.25, "ns", "fraction");
            await w.SampleAsync(1e21, "ns", "large");
            await w.SampleAsync(double.NaN, "ns", "nan");
            await w.SampleAsync(double.PositiveInfinity, "ns", "inf");
            await w.SampleAsync(double.NegativeInfinity, "ns", "-inf");
            w.BeginGauge("test_unlabelled", "");
            await w.SampleAsync(-1);
        });

        var text = await ExportAsync(metrics, ExpositionFormat.PrometheusText);
        Assert.Equal(
            [
                "# HELP test_escapes Help with a \\\\ backslash,\\na newline and a \"quote\".",
                "# TYPE test_escapes gauge",
                "test_escapes{namespace=\"ns\",name=\"back\\\\slash \\\"quoted\\\"\\nnext line é\"} 1",
                "test_escapes{namespace=\"ns\",name=\"zero\"} 0",
                "test_escapes{namespace=\"ns\",name=\"timestamp\"} 1765000000",
                "test_escapes{namespace=\"ns\",name=\"fraction\"} 0.25",
                "test_escapes{namespace=\"ns\",name=\"large\"} 1e+21",
                "test_escapes{namespace=\"ns\",name=\"nan\"} NaN",
                "test_escapes{namespace=\"ns\",name=\"inf\"} +Inf",
                "test_escapes{namespace=\"ns\",name=\"-inf\"} -Inf",
                "# HELP test_unlabelled ",
                "# TYPE test_unlabelled gauge",
                "test_unlabelled -1",
            ],
            text.Split('\n').Where(l => l.StartsWith("test_", StringComparison.Ordinal) || l.StartsWith("# HELP test_", StringComparison.Ordinal) || l.StartsWith("# TYPE test_", StringComparison.Ordinal)));
        Assert.DoesNotContain("# EOF", text, StringComparison.Ordinal);
        Assert.EndsWith("test_unlabelled -1\n", text, StringComparison.Ordinal);

        // OpenMetrics: floats always carry a point or an exponent, and HELP escapes the double quote too.
        var open = await ExportAsync(metrics, ExpositionFormat.OpenMetricsText);
        Assert.Equal("# HELP test_escapes Help with a \\\\ backslash,\\na newline and a \\\"quote\\\".", Assert.Single(Lines(open, "# HELP test_escapes")));
        Assert.Equal(
            ["1.0", "0.0", "1765000000.0", "0.25", "1e+21", "NaN", "+Inf", "-Inf"],
            Lines(open, "test_escapes{").Select(l => l[(l.LastIndexOf(' ') + 1)..]));
        Assert.Equal("test_unlabelled -1.0", Assert.Single(Lines(open, "test_unlabelled ")));
    }

    [Fact]
    public async Task Families_follow_the_registry_once_each_and_OpenMetrics_ends_with_one_EOF()
    {
        var metrics = WithSource(async w =>
        {
            w.BeginGauge("test_from_source", "Computed at scrape time.", "name");
            await w.SampleAsync(2, "a");
        });
        Prometheus.Metrics.WithCustomRegistry(metrics.Registry).CreateCounter("test_registry_total", "A registry counter.").Inc();
        metrics.Reconciled("probe", "success");

        foreach (var format in new[] { ExpositionFormat.PrometheusText, ExpositionFormat.OpenMetricsText })
        {
            var text = await ExportAsync(metrics, format);
            var types = Lines(text, "# TYPE ").Select(l => l.Split(' ')[2]).ToList();
            Assert.Equal(types.Count, types.Distinct(StringComparer.Ordinal).Count());
            Assert.Contains("test_from_source", types);
            Assert.Contains("controller_runtime_reconcile", types.Select(t => t.Replace("_total", "", StringComparison.Ordinal)));
            Assert.True(text.IndexOf("# TYPE test_from_source gauge", StringComparison.Ordinal) > text.IndexOf("controller_runtime_reconcile_total{", StringComparison.Ordinal));
            Assert.Contains("test_from_source{name=\"a\"} 2", text, StringComparison.Ordinal);
            if (format == ExpositionFormat.OpenMetricsText)
            {
                Assert.EndsWith("\n# EOF\n", text, StringComparison.Ordinal);
                Assert.Single(Lines(text, "# EOF"));
            }
            else
            {
                Assert.DoesNotContain("# EOF", text, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task A_family_already_written_or_an_invalid_declaration_is_refused()
    {
        async Task<Exception?> Try(Func<MetricsTextWriter, ValueTask> write) =>
            await Record.ExceptionAsync(() => ExportAsync(WithSource(write), ExpositionFormat.PrometheusText));

        Assert.IsType<InvalidOperationException>(await Try(w =>
        {
            w.BeginGauge("workqueue_depth", "Clashes with the runtime's.", "name");
            return ValueTask.CompletedTask;
        }));
        Assert.IsType<InvalidOperationException>(await Try(w =>
        {
            w.BeginGauge("test_twice", "Once.");
            w.BeginGauge("test_twice", "Twice.");
            return ValueTask.CompletedTask;
        }));
        Assert.IsType<InvalidOperationException>(await Try(w => w.SampleAsync(1)));
        Assert.IsType<ArgumentException>(await Try(w =>
        {
            w.BeginGauge("test-dash", "Not a metric name.");
            return ValueTask.CompletedTask;
        }));
        Assert.IsType<ArgumentException>(await Try(w =>
        {
            w.BeginGauge("test_labels", "Bad label names.", "name", "name");
            return ValueTask.CompletedTask;
        }));
        Assert.IsType<ArgumentException>(await Try(w =>
        {
            w.BeginGauge("test_labels", "Reserved label name.", "__name");
            return ValueTask.CompletedTask;
        }));
        Assert.IsType<ArgumentException>(await Try(w =>
        {
            w.BeginGauge("test_labels", "Two labels.", "namespace", "name");
            return w.SampleAsync(1, "only one");
        }));
    }

    [Fact]
    public async Task Output_larger_than_the_buffer_arrives_whole_and_in_order()
    {
        const int Count = 20_000;
        var longName = new string('x', 40_000);  // one line longer than the 16 KiB flush threshold
        var metrics = WithSource(async w =>
        {
            w.BeginGauge("test_many", "Many series.", "namespace", "name");
            for (var i = 0; i < Count; i++)
            {
                await w.SampleAsync(i, "ns", $"key-{i}");
            }

            await w.SampleAsync(-1, "ns", longName);
        });

        var lines = Lines(await ExportAsync(metrics, ExpositionFormat.PrometheusText), "test_many{");
        Assert.Equal(Count + 1, lines.Length);
        for (var i = 0; i < Count; i++)
        {
            Assert.Equal($"test_many{{namespace=\"ns\",name=\"key-{i}\"}} {i}", lines[i]);
        }

        Assert.Equal($"test_many{{namespace=\"ns\",name=\"{longName}\"}} -1", lines[^1]);
    }

    [Theory]
    [InlineData(null, null, false)]
    [InlineData("", null, false)]
    [InlineData("text/plain;version=0.0.4", null, false)]
    [InlineData("application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5", null, true)]
    [InlineData("application/openmetrics-text;version=1.0.0;q=0.4,text/plain;version=0.0.4;q=0.5", null, false)]
    [InlineData("text/plain", "application/openmetrics-text", true)]
    [InlineData("*/*", null, false)]
    public void Metrics_negotiate_OpenMetrics_as_prometheus_net_does(string? accept, string? query, bool openMetrics)
    {
        var context = new DefaultHttpContext();
        if (accept is not null)
        {
            context.Request.Headers.Accept = accept;
        }

        if (query is not null)
        {
            context.Request.QueryString = QueryString.Create("accept", query);
        }

        Assert.Equal(openMetrics, EndpointRouteBuilderExtensions.PrefersOpenMetrics(context.Request));
    }
}
