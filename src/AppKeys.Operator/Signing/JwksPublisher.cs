using AppKeys.Operator.Apis;
using AppKeys.Operator.Hosting;
using AppKeys.Runtime.Client;
using k8s.Models;

namespace AppKeys.Operator.Signing;

/// <summary>
/// Loads (or creates) the signing keys at start, then keeps ConfigMap <c>appkeys-jwks</c> (key <c>jwks.json</c>) in the
/// operator's namespace equal to the public keys, re-checking periodically so a deleted or edited ConfigMap comes back.
/// </summary>
public sealed class JwksPublisher(
    SigningKeyStore store,
    IResourceClient<V1ConfigMap> configMaps,
    OperatorOptions options,
    TimeProvider time,
    ILogger<JwksPublisher> logger) : BackgroundService
{
    public const string ConfigMapName = "appkeys-jwks";
    public const string JwksKey = "jwks.json";

    /// <summary>How often the ConfigMap is re-checked.</summary>
    public static readonly TimeSpan RecheckPeriod = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan delay;
            try
            {
                var jwks = await store.EnsureAsync(stoppingToken);
                await PublishAsync(jwks, stoppingToken);
                failures = 0;
                delay = RecheckPeriod;
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                failures++;
                delay = TimeSpan.FromMilliseconds(Math.Min(30_000, 200 * Math.Pow(2, Math.Min(failures, 10))));
                logger.LogWarning("Publishing the JWKS failed ({Error}); retrying in {Delay}", e.Message, delay);
            }

            try
            {
                await Task.Delay(delay, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task PublishAsync(string jwks, CancellationToken cancellationToken)
    {
        var existing = await configMaps.GetAsync(ConfigMapName, options.Namespace, cancellationToken);
        if (existing is null)
        {
            await configMaps.CreateAsync(
                new V1ConfigMap
                {
                    ApiVersion = "v1",
                    Kind = "ConfigMap",
                    Metadata = new V1ObjectMeta
                    {
                        Name = ConfigMapName,
                        NamespaceProperty = options.Namespace,
                        Labels = new Dictionary<string, string> { [AppKeysLabels.ManagedBy] = AppKeysApi.ManagerName },
                    },
                    Data = new Dictionary<string, string> { [JwksKey] = jwks },
                },
                cancellationToken);
            logger.LogInformation("Published the JWKS in ConfigMap {Namespace}/{Name}", options.Namespace, ConfigMapName);
        }
        else if (existing.Data?.TryGetValue(JwksKey, out var current) != true || current != jwks)
        {
            existing.Data ??= new Dictionary<string, string>();
            existing.Data[JwksKey] = jwks;
            await configMaps.ReplaceAsync(existing, cancellationToken);
            logger.LogInformation("Updated the JWKS in ConfigMap {Namespace}/{Name}", options.Namespace, ConfigMapName);
        }
    }
}
