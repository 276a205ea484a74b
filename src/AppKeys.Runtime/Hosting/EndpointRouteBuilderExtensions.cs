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
    /// from the <see cref="RuntimeMetrics"/> registry).
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
        endpoints.MapMetrics("/metrics", endpoints.ServiceProvider.GetRequiredService<RuntimeMetrics>().Registry);
        return endpoints;
    }
}
