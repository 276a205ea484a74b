using System.Text;
using AppKeys.Operator.Apis;
using AppKeys.Operator.KeyManager;
using AppKeys.Runtime.Client;
using AppKeys.Runtime.Informers;
using k8s.Models;
using Xunit;

namespace AppKeys.Operator.Testing.Chaos;

/// <summary>
/// The steps the JIT and the native chaos runs take alike around their operators: watching every managed Secret for the
/// secret scan, the endpoint clients' Applications, the OAuth CA, and the Applications' Secrets at the end. Every Secret
/// read goes into <see cref="SecretValueCollector"/> so its values are scanned for.
/// </summary>
public static class ChaosSetup
{
    /// <summary>Runs an informer on the operator's managed Secrets that adds every version it sees to <paramref name="seen"/>.</summary>
    public static Task WatchManagedSecretsAsync(IResourceClient<V1Secret> secrets, SecretValueCollector seen, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(seen);
        var watch = new Informer<V1Secret>(
            secrets,
            new InformerOptions<V1Secret> { LabelSelector = $"{AppKeysLabels.ManagedBy}={AppKeysApi.ManagerName}" },
            TimeProvider.System,
            null,
            null);
        watch.AddHandler(e => seen.Add(e.Object));
        return watch.RunAsync(cancellationToken);
    }

    /// <summary>
    /// Creates the endpoint clients' two Applications in <see cref="ChaosWorld.ClientNamespace"/> (JWT, then Opaque) and
    /// returns their production consumer key and secret once the operator has written them.
    /// </summary>
    public static async Task<IReadOnlyList<(string ConsumerKey, string ConsumerSecret)>> CreateClientApplicationsAsync(
        IResourceClient<V1Alpha1Application> applications,
        IResourceClient<V1Secret> secrets,
        SecretValueCollector seen,
        TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        ArgumentNullException.ThrowIfNull(seen);
        var credentials = new List<(string, string)>();
        foreach (var (name, tokenType) in new[] { ("gateway-jwt", TokenTypes.Jwt), ("gateway-opaque", TokenTypes.Opaque) })
        {
            await Resilient.CreateAsync(applications, new V1Alpha1Application { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ChaosWorld.ClientNamespace }, Spec = new V1Alpha1ApplicationSpec { TokenType = tokenType } });
            var secret = await Eventually.GetAsync(
                async () => await Resilient.CallAsync(() => secrets.GetAsync($"{name}-credentials", ChaosWorld.ClientNamespace), $"get {name}-credentials"),
                s => s?.Data?.ContainsKey("production.consumerSecret") == true,
                $"the credentials of {name}",
                timeout);
            seen.Add(secret);
            credentials.Add((Encoding.UTF8.GetString(secret.Data["production.consumerKey"]), Encoding.UTF8.GetString(secret.Data["production.consumerSecret"])));
        }

        return credentials;
    }

    /// <summary>The CA of the operator's generated OAuth certificate, once it is published (ConfigMap appkeys-oauth-ca).</summary>
    public static async Task<string> OAuthCaPemAsync(IResourceClient<V1ConfigMap> configMaps, string operatorNamespace, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(configMaps);
        var ca = await Eventually.GetAsync(
            async () => await Resilient.CallAsync(() => configMaps.GetAsync(EndpointCertificates.CaSecretName, operatorNamespace), "get the OAuth CA"),
            c => c?.Data?.ContainsKey(EndpointCertificates.CaConfigMapKey) == true,
            "ConfigMap appkeys-oauth-ca",
            timeout);
        return ca.Data[EndpointCertificates.CaConfigMapKey];
    }

    /// <summary>Each Application's Secret, as text by data key, keyed by the plan's name; a missing one fails the test.</summary>
    public static async Task<Dictionary<string, IReadOnlyDictionary<string, string>>> ReadApplicationSecretsAsync(
        IResourceClient<V1Secret> secrets,
        IReadOnlyList<ApplicationPlan> apps,
        SecretValueCollector seen)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        ArgumentNullException.ThrowIfNull(apps);
        ArgumentNullException.ThrowIfNull(seen);
        var result = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        foreach (var app in apps)
        {
            var secret = await Resilient.CallAsync(() => secrets.GetAsync(app.SecretName, app.Namespace), $"get {app.SecretName}");
            Assert.True(secret?.Data is not null, $"Secret of Application {app} is missing");
            seen.Add(secret);
            result[app.ToString()] = secret.Data.ToDictionary(e => e.Key, e => Encoding.UTF8.GetString(e.Value), StringComparer.Ordinal);
        }

        return result;
    }
}
