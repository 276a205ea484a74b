namespace AppKeys.Runtime.Metrics;

/// <summary>
/// Metric families computed when <c>/metrics</c> is scraped, from state the process holds anyway (an informer cache),
/// instead of one prometheus-net child per series kept between scrapes (see
/// <see cref="RuntimeMetrics.AddScrapeTimeMetrics"/>). Called once per scrape, after the registry's families; must not
/// throw (the response has started).
/// </summary>
public interface IScrapeTimeMetrics
{
    /// <summary>Writes this source's families (each declared once with <see cref="MetricsTextWriter.BeginGauge"/>).</summary>
    ValueTask WriteAsync(MetricsTextWriter writer, CancellationToken cancellationToken);
}
