using System.Net.Http.Headers;
using AppKeys.Runtime.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;

namespace AppKeys.Runtime.Hosting;

/// <summary>Maps the runtime's HTTP endpoints.</summary>
public static class EndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>/healthz</c> (liveness: 200 unless the manager failed or lost leadership), <c>/readyz</c> (200 when
    /// caches are synced and this replica leads or stands by, else 503) and <c>/metrics</c> (Prometheus text format
    /// or OpenMetrics: <see cref="RuntimeMetrics.ExportAsync"/>).
    /// </summary>
    public static IEndpointRouteBuilder MapControllerRuntimeEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/healthz", (RuntimeHealth health) => health.IsHealthy
            ? Results.Text("ok\n")
            : Results.Text(health.Describe(), statusCode: StatusCodes.Status500InternalServerError));
        endpoints.MapGet("/readyz", (RuntimeHealth health) => health.IsReady
            ? Results.Text("ok\n" + health.Describe())
            : Results.Text(health.Describe(), statusCode: StatusCodes.Status503ServiceUnavailable));
        var metrics = endpoints.ServiceProvider.GetRequiredService<RuntimeMetrics>();
        endpoints.MapMethods("/metrics", [HttpMethods.Get, HttpMethods.Head], context => ServeMetricsAsync(context, metrics));
        return endpoints;
    }

    /// <summary>
    /// <c>/metrics</c>: <see cref="RuntimeMetrics.ExportAsync"/> (prometheus-net's MapMetrics serves only the registry,
    /// not the families computed at scrape time), in the format negotiated as prometheus-net's middleware does: the
    /// <c>Accept</c> header (or an <c>accept</c> query parameter), by quality, text/plain winning over OpenMetrics.
    /// </summary>
    private static async Task ServeMetricsAsync(HttpContext context, RuntimeMetrics metrics)
    {
        var openMetrics = PrefersOpenMetrics(context.Request);
        context.Response.ContentType = openMetrics ? PrometheusConstants.OpenMetricsContentTypeWithVersionAndEncoding : PrometheusConstants.TextContentTypeWithVersionAndEncoding;
        try
        {
            await metrics.ExportAsync(context.Response.Body, openMetrics ? ExpositionFormat.OpenMetricsText : ExpositionFormat.PrometheusText, context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The scraper went away.
        }
    }

    internal static bool PrefersOpenMetrics(HttpRequest request)
    {
        var accept = request.Query.TryGetValue("accept", out var fromQuery) ? string.Join(',', fromQuery.ToArray()) : request.Headers.Accept.ToString();
        var candidates = accept.Split(',')
            .Select(c => MediaTypeWithQualityHeaderValue.TryParse(c, out var type) ? type : null)
            .OfType<MediaTypeWithQualityHeaderValue>()
            .OrderByDescending(t => t.Quality ?? 1);
        foreach (var candidate in candidates)
        {
            if (candidate.MediaType == PrometheusConstants.TextContentType)
            {
                return false;
            }

            if (candidate.MediaType == PrometheusConstants.OpenMetricsContentType)
            {
                return true;
            }
        }

        return false;
    }
}
