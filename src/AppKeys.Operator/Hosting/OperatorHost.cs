using AppKeys.Operator.Apis;
using AppKeys.Operator.Controllers;
using AppKeys.Operator.Controllers.ApplicationKeys;
using AppKeys.Operator.Controllers.Applications;
using AppKeys.Operator.Controllers.RolloutRestarts;
using AppKeys.Operator.KeyManager;
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

    /// <summary>
    /// <c>Cache-Control: max-age</c> of the HTTP JWKS: a quarter of the pre-publish window, at most 5 minutes, so a verifier
    /// that honours it (plus its own refresh period) still sees a next key before it signs.
    /// </summary>
    public static TimeSpan JwksMaxAge(SigningKeySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var quarter = settings.Prepublish / 4;
        return quarter < TimeSpan.FromMinutes(5) ? quarter : TimeSpan.FromMinutes(5);
    }

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
        // The empty builder plus what the operator uses: Kestrel (HTTP and the OAuth port's HTTPS), routing, console
        // logging, and configuration from environment variables only (e.g. Logging__LogLevel__Default). The slim
        // builder would also read appsettings*.json from the working directory and watch it for changes (a file
        // watcher thread, about 15 ms of CPU at start, measured in docs/benchmarks.md); the operator has no such file.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { Args = [] });
        builder.Configuration.AddEnvironmentVariables();
        builder.WebHost.UseKestrelCore();
        builder.Services.AddRoutingCore();
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Plain HTTP (health, metrics, JWKS) first: hosts and tests read its address as the first one.
            kestrel.Listen(KeyManagerRegistration.ParseAddress(options.HttpAddress), options.HttpPort);
            KeyManagerRegistration.ListenOAuth(kestrel, options);
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        configureLogging?.Invoke(builder.Logging);

        var services = builder.Services;
        SigningKeyStore? signingKeyStore = null;
        configureServices?.Invoke(services);
        services.AddSingleton(options);
        services.TryAddSingleton(new RuntimeMetrics(Prometheus.Metrics.NewCustomRegistry()));
        services.AddSingleton<OperatorMetrics>();
        services.AddSingleton<SigningKeyStore>();
        services.AddSingleton<SigningKeyMetrics>();
        services.AddSingleton<TokenIssuance>();
        services.AddSingleton(IssuerSettings.From(options));
        services.AddSingleton<SecretReads>();
        services.AddSingleton<RecentWrites>();
        services.AddSingleton(RolloutRestartSettings.For(options.RolloutRestartMinInterval));
        services.AddSingleton<RolloutRestarter>();
        services.AddKeyManager();

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
        // The caches hold every Application, key and managed Secret: managedFields are never read, so not kept, and
        // recurring strings are shared (CacheTransforms).
        services.AddInformer<V1Alpha1Application>(o =>
        {
            o.Namespaces = watched;
            o.Transform = CacheTransforms.Application;
            // One index serves both: uniqueness of consumer keys (controllers) and client lookup (key manager).
            o.Indexers[ConsumerKeyIndex.Name] = ConsumerKeyIndex.Values;
            o.Views[ClientDirectory.ClientsView] = ClientDirectory.Clients;
        });
        services.AddInformer<V1Alpha1ApplicationKey>(o =>
        {
            o.Namespaces = watched;
            o.Transform = CacheTransforms.ApplicationKey;
            o.Indexers[ApplicationKeyLookup.IndexName] = ApplicationKeyLookup.IndexValues;
            o.Indexers[KeyManagerIndexes.TokenId] = KeyManagerIndexes.TokenIds;
            o.Indexers[KeyManagerIndexes.LiveKeyUid] = KeyManagerIndexes.LiveKeyUids;
        });

        // Only Secrets this operator manages are cached; a foreign Secret is read directly when it is in the way.
        // The signing Secret lives in the operator's namespace: watched too, whatever --watch-namespaces says.
        services.AddInformer<V1Secret>(o =>
        {
            o.Namespaces = watched is null ? null : [.. watched.Append(options.Namespace).Distinct(StringComparer.Ordinal)];
            o.LabelSelector = $"{AppKeysLabels.ManagedBy}={AppKeysApi.ManagerName}";
            o.Transform = CacheTransforms.Secret;
            o.Views[ClientDirectory.SecretView] = ClientDirectory.Secret;
        });

        // The JWKS ConfigMap, and only it (get/list/watch by name in the operator namespace).
        services.AddInformer<V1ConfigMap>(o =>
        {
            o.Namespaces = [options.Namespace];
            o.FieldSelector = $"metadata.name={JwksPublisher.ConfigMapName}";
        });

        IObjectStore<V1Alpha1ApplicationKey>? keyStore = null;
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
            .Watches<V1Secret>(lookup.KeysOfApplicationSecret)
            .Watches<V1Secret>(s => SigningKeyTriggers.KeysOnSigningSecret(s, options.Namespace, keyStore)));

        // One writer of the signing Secret and the JWKS ConfigMap: the leader's signing-keys controller.
        services.AddController<V1ConfigMap, SigningKeyReconciler>(c => c
            .WithName("signing-keys")
            .WithWorkers(1)
            .Watches<V1Secret>(s => SigningKeyTriggers.SigningKeysOnSecret(s, options.Namespace, signingKeyStore)));
        services.AddSingleton<IInformer<V1ConfigMap>>(sp => new JwksConfigMapInformer(sp.GetRequiredService<Informer<V1ConfigMap>>(), options.Namespace));

        var app = builder.Build();
        keyStore = app.Services.GetRequiredService<IInformer<V1Alpha1ApplicationKey>>().Store;
        lookup.Attach(keyStore);
        signingKeyStore = app.Services.GetRequiredService<SigningKeyStore>();
        SigningKeyTriggers.Follow(signingKeyStore, app.Services.GetRequiredService<IInformer<V1Secret>>(), app.Services.GetRequiredService<Informer<V1ConfigMap>>(), options.Namespace, app.Services.GetRequiredService<TimeProvider>());
        app.Services.GetRequiredService<SigningKeyMetrics>().Attach(signingKeyStore);
        var health = app.Services.GetRequiredService<RuntimeHealth>();
        app.Services.GetRequiredService<RuntimeMetrics>().AddScrapeTimeMetrics(new ApplicationKeyStateMetrics(keyStore, () => health.ControllersRunning));

        // Readiness also needs a published signing key: a replica without one cannot sign (token endpoint, issuance).
        app.Use(async (context, next) =>
        {
            if (context.Request.Path == "/readyz" && !context.RequestServices.GetRequiredService<SigningKeyStore>().IsLoaded)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                await context.Response.WriteAsync("signing keys: not loaded (no published current key yet)\n");
                return;
            }

            await next(context);
        });
        app.MapControllerRuntimeEndpoints();
        app.MapMethods(JwksPath, [HttpMethods.Get, HttpMethods.Head], (HttpContext context, SigningKeyStore store) =>
        {
            if (store.Jwks is not { } jwks)
            {
                return Results.Text("signing keys not loaded yet\n", statusCode: StatusCodes.Status503ServiceUnavailable);
            }

            context.Response.Headers.CacheControl = $"public, max-age={JwksMaxAge(store.Settings).TotalSeconds:0}";
            return Results.Text(jwks, "application/jwk-set+json");
        });
        app.MapKeyManager(options);
        return app;
    }
}
