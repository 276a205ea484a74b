using AppKeys.Operator.Apis;
using AppKeys.Operator.Controllers;
using AppKeys.Operator.Controllers.ApplicationKeys;
using AppKeys.Operator.Controllers.Applications;
using AppKeys.Operator.Metrics;
using AppKeys.Operator.Signing;
using AppKeys.Runtime.Hosting;
using AppKeys.Runtime.Informers;
using AppKeys.Runtime.Metrics;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AppKeys.Operator.Hosting;

/// <summary>Builds the operator process: controllers, signing keys, and the HTTP endpoints (health, metrics, JWKS).</summary>
public static class OperatorHost
{
    public const string JwksPath = "/.well-known/jwks.json";

    /// <param name="options">Operator settings.</param>
    /// <param name="kubernetes">How to reach the API server.</param>
    /// <param name="configureServices">Extra registrations (tests: a FakeTimeProvider, log capture).</param>
    /// <param name="configureLogging">Extra logging setup.</param>
    public static WebApplication Build(
        OperatorOptions options,
        KubernetesClientConfiguration kubernetes,
        Action<IServiceCollection>? configureServices = null,
        Action<ILoggingBuilder>? configureLogging = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseUrls($"http://{options.HttpAddress}:{options.HttpPort}");
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        configureLogging?.Invoke(builder.Logging);

        var services = builder.Services;
        configureServices?.Invoke(services);
        services.AddSingleton(options);
        services.TryAddSingleton(new RuntimeMetrics(Prometheus.Metrics.NewCustomRegistry()));
        services.AddSingleton<OperatorMetrics>();
        services.AddSingleton<SigningKeyStore>();
        services.AddSingleton<TokenIssuance>();
        services.AddSingleton(IssuerSettings.From(options));
        services.AddSingleton<SecretReads>();
        services.AddSingleton<RecentWrites>();
        services.AddHostedService<JwksPublisher>();

        services.AddControllerRuntime(runtime =>
        {
            runtime.Kubernetes = kubernetes;
            runtime.RateLimit.Qps = options.Qps;
            runtime.RateLimit.Burst = options.Burst;
            runtime.LeaderElection.Enabled = options.LeaderElect;
            runtime.LeaderElection.LeaseNamespace = options.Namespace;
            runtime.LeaderElection.OnLostLeadership = options.OnLostLeadership;
            runtime.LeaderElection.Identity = options.Identity ?? $"{Environment.MachineName}-{Guid.NewGuid().ToString("N")[..8]}";
        });

        var watched = options.WatchNamespaces.Count == 0 ? null : options.WatchNamespaces;
        // The caches hold every Application, key and managed Secret: managedFields are never read, so not kept.
        services.AddInformer<V1Alpha1Application>(o =>
        {
            o.Namespaces = watched;
            o.Transform = InformerTransforms.StripManagedFields;
            o.Indexers[ConsumerKeyIndex.Name] = ConsumerKeyIndex.Values;
        });
        services.AddInformer<V1Alpha1ApplicationKey>(o =>
        {
            o.Namespaces = watched;
            o.Transform = InformerTransforms.StripManagedFields;
            o.Indexers[ApplicationKeyLookup.IndexName] = ApplicationKeyLookup.IndexValues;
        });

        // Only Secrets this operator manages are cached; a foreign Secret is read directly when it is in the way.
        services.AddInformer<V1Secret>(o =>
        {
            o.Namespaces = watched;
            o.LabelSelector = $"{AppKeysLabels.ManagedBy}={AppKeysApi.ManagerName}";
            o.Transform = InformerTransforms.StripManagedFields;
        });

        var lookup = new ApplicationKeyLookup();
        services.AddSingleton(lookup);
        services.AddController<V1Alpha1Application, ApplicationReconciler>(c => c
            .WithName("application")
            .WithWorkers(options.Workers)
            .Owns<V1Secret>());
        services.AddController<V1Alpha1ApplicationKey, ApplicationKeyReconciler>(c => c
            .WithName("applicationkey")
            .WithWorkers(options.Workers)
            .Owns<V1Secret>()
            .Watches<V1Alpha1Application>(lookup.KeysOf)
            .Watches<V1Secret>(lookup.KeysOfApplicationSecret));

        var app = builder.Build();
        lookup.Attach(app.Services.GetRequiredService<IInformer<V1Alpha1ApplicationKey>>().Store);
        app.MapControllerRuntimeEndpoints();
        app.MapGet(JwksPath, (SigningKeyStore store) => store.Jwks is { } jwks
            ? Results.Text(jwks, "application/jwk-set+json")
            : Results.Text("signing keys not loaded yet\n", statusCode: StatusCodes.Status503ServiceUnavailable));
        return app;
    }
}
