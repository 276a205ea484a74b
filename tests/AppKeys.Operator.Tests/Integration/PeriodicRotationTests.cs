using System.Text;
using AppKeys.LocalApiServer;
using AppKeys.Operator.Apis;
using AppKeys.Operator.Hosting;
using AppKeys.Operator.Local;
using AppKeys.Operator.Tests.TestSupport;
using AppKeys.Runtime.Client;
using AppKeys.Runtime.Metrics;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AppKeys.Operator.Tests.Integration;

/// <summary>
/// Periodic consumer-secret rotation end to end: an operator whose clock follows real time and jumps on demand
/// (its own API server, so the jumps touch nothing else) regenerates a secret once it is a period old, serves the
/// predecessor through the grace period, then drops it — all from requeues the operator scheduled itself.
/// </summary>
public sealed class PeriodicRotationTests : IAsyncLifetime
{
    private const string Ns = "rotating";
    private readonly TickingClock clock = new();
    private readonly CapturingLoggerProvider logs = new();
    private LocalKubernetesApiServer server = null!;
    private Kubernetes client = null!;
    private ResourceClient<V1Alpha1Application> applications = null!;
    private ResourceClient<V1Alpha1ApplicationKey> keys = null!;
    private ResourceClient<V1Secret> secrets = null!;
    private ResourceClient<Corev1Event> events = null!;
    private Microsoft.AspNetCore.Builder.WebApplication operatorApp = null!;

    public async Task InitializeAsync()
    {
        server = await LocalKubernetesApiServer.StartAsync(new LocalApiServerOptions());
        KubernetesClientConfiguration config;
        using (var kubeconfig = new MemoryStream(Encoding.UTF8.GetBytes(server.KubeconfigYaml)))
        {
            config = await KubernetesClientConfiguration.BuildConfigFromConfigFileAsync(kubeconfig);
        }

        client = new Kubernetes(config);
        var transport = new KubernetesTransport(client);
        applications = new ResourceClient<V1Alpha1Application>(transport);
        keys = new ResourceClient<V1Alpha1ApplicationKey>(transport);
        secrets = new ResourceClient<V1Secret>(transport);
        events = new ResourceClient<Corev1Event>(transport);
        await ManifestInstaller.InstallCrdsAsync(client, RepositoryRoot.Combine("config", "crd", "bases"), CancellationToken.None);
        await ManifestInstaller.EnsureNamespaceAsync(client, OperatorFixture.OperatorNamespace, CancellationToken.None);
        await ManifestInstaller.EnsureNamespaceAsync(client, Ns, CancellationToken.None);

        // No leader election: it would read the jumping clock too, and an hour's jump would expire its own lease.
        var options = new OperatorOptions { Namespace = OperatorFixture.OperatorNamespace, HttpPort = 0, HttpAddress = "127.0.0.1", LeaderElect = false };
        operatorApp = OperatorHost.Build(
            options,
            config,
            services =>
            {
                services.AddSingleton<TimeProvider>(clock.Time);
                services.AddSingleton(new RuntimeMetrics(Prometheus.Metrics.NewCustomRegistry()));
            },
            logging =>
            {
                logging.ClearProviders();
                logging.AddProvider(logs);
            });
        await operatorApp.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await operatorApp.StopAsync();
        await operatorApp.DisposeAsync();
        await clock.DisposeAsync();
        client.Dispose();
        await server.DisposeAsync();
    }

    [Fact]
    public async Task A_secret_a_period_old_is_regenerated_and_its_predecessor_served_through_the_grace_period()
    {
        await applications.CreateAsync(new V1Alpha1Application
        {
            Metadata = new V1ObjectMeta { Name = "app", NamespaceProperty = Ns },
            Spec = new V1Alpha1ApplicationSpec { SecretRotation = new V1Alpha1SecretRotation { PeriodSeconds = 3600, GracePeriodSeconds = 600 } },
        });
        await keys.CreateAsync(new V1Alpha1ApplicationKey
        {
            Metadata = new V1ObjectMeta { Name = "k", NamespaceProperty = Ns },
            // A token that never expires: every new revision below is the rotation's doing, none a renewal's.
            Spec = new V1Alpha1ApplicationKeySpec { ApplicationRef = new V1Alpha1ApplicationReference { Name = "app" }, ValidityPeriod = -1 },
        });
        await WaitKeyRevisionAsync(1);
        var first = await DataAsync("app-credentials", d => d.ContainsKey("production.consumerSecretCreatedAt"));
        var firstToken = (await DataAsync("k", _ => true))["accessToken"];

        // Short of the period (by far more than a loaded machine's real seconds): nothing happens.
        clock.Jump(TimeSpan.FromSeconds(3500));
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(first["production.consumerSecret"], (await DataAsync("app-credentials", _ => true))["production.consumerSecret"]);
        Assert.Equal(1, (await keys.GetAsync("k", Ns))!.Status!.Revision);

        // Past the period: regenerated by the operator's own requeue; the predecessor stays, in both Secrets.
        clock.Jump(TimeSpan.FromSeconds(110));
        var during = await DataAsync("app-credentials", d => d.ContainsKey("production.previousConsumerSecret"));
        Assert.NotEqual(first["production.consumerSecret"], during["production.consumerSecret"]);
        Assert.Equal(first["production.consumerSecret"], during["production.previousConsumerSecret"]);
        await WaitKeyRevisionAsync(2);
        var keyDuring = await DataAsync("k", d => d.ContainsKey("previousConsumerSecret"));
        Assert.Equal(during["production.consumerSecret"], keyDuring["consumerSecret"]);
        Assert.Equal(first["production.consumerSecret"], keyDuring["previousConsumerSecret"]);
        Assert.NotEqual(firstToken, keyDuring["accessToken"]);
        var regenerated = await WaitEventAsync("ConsumerSecretRegenerated");
        Assert.Contains("(periodic)", regenerated.Message, StringComparison.Ordinal);

        // Past the grace period: the predecessor is gone; the key keeps its token (revision 2).
        clock.Jump(TimeSpan.FromSeconds(610));
        var after = await DataAsync("app-credentials", d => !d.ContainsKey("production.previousConsumerSecret"));
        Assert.Equal(during["production.consumerSecret"], after["production.consumerSecret"]);
        var keyAfter = await DataAsync("k", d => !d.ContainsKey("previousConsumerSecret"));
        Assert.Equal(keyDuring["accessToken"], keyAfter["accessToken"]);
        Assert.Equal(2, (await keys.GetAsync("k", Ns))!.Status!.Revision);
        await WaitEventAsync("PreviousConsumerSecretExpired");

        // The secrets were never logged.
        foreach (var secret in new[] { first["production.consumerSecret"], during["production.consumerSecret"], keyDuring["accessToken"] })
        {
            Assert.DoesNotContain(logs.Lines, l => l.Contains(secret, StringComparison.Ordinal));
        }
    }

    private Task<V1Alpha1ApplicationKey> WaitKeyRevisionAsync(long revision) =>
        Eventually.GetAsync(
            () => keys.GetAsync("k", Ns),
            k => k?.Status?.Revision == revision && k.Status.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true,
            $"key k Ready at revision {revision}");

    private async Task<Dictionary<string, string>> DataAsync(string secret, Func<Dictionary<string, string>, bool> done)
    {
        var found = await Eventually.GetAsync(
            async () => await secrets.GetAsync(secret, Ns) is { } s ? s.Data.ToDictionary(e => e.Key, e => Encoding.UTF8.GetString(e.Value), StringComparer.Ordinal) : null,
            d => d is not null && done(d),
            $"Secret {secret} in the expected state");
        return found;
    }

    private Task<Corev1Event> WaitEventAsync(string reason) =>
        Eventually.GetAsync(
            async () => (await events.ListAsync(Ns)).Items.FirstOrDefault(e => e.Reason == reason),
            $"a {reason} Event");
}
