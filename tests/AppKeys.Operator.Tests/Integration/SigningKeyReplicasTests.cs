using AppKeys.LocalApiServer;
using AppKeys.Operator.Apis;
using AppKeys.Operator.Dev;
using AppKeys.Operator.Hosting;
using AppKeys.Operator.Signing;
using AppKeys.Operator.Tests.TestSupport;
using AppKeys.Runtime.Client;
using AppKeys.Runtime.Hosting;
using AppKeys.Runtime.Informers;
using AppKeys.Runtime.LeaderElection;
using AppKeys.Runtime.Metrics;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AppKeys.Operator.Tests.Integration;

/// <summary>
/// Two replicas through a rotation: one writes the signing Secret and the JWKS ConfigMap, the other follows and signs
/// with the same current key; the ConfigMap is written once per transition and never flaps back.
/// </summary>
public sealed class SigningKeyReplicasTests : IAsyncLifetime
{
    private const string Ns = "replicas";
    private const string OperatorNs = OperatorFixture.OperatorNamespace;
    private readonly TickingClock clock = new();
    private readonly CapturingLoggerProvider logs = new();
    private readonly List<Microsoft.AspNetCore.Builder.WebApplication> replicas = [];
    private readonly List<string> jwksVersions = [];
    private LocalKubernetesApiServer server = null!;
    private KubernetesClientConfiguration config = null!;
    private Kubernetes client = null!;
    private Informer<V1ConfigMap> configMapWatch = null!;
    private CancellationTokenSource watching = new();

    public async Task InitializeAsync()
    {
        server = await LocalKubernetesApiServer.StartAsync(new LocalApiServerOptions());
        config = await Kubeconfigs.ConfigAsync(server.KubeconfigYaml);
        client = new Kubernetes(config);
        await ManifestInstaller.InstallCrdsAsync(client, RepositoryRoot.Combine("config", "crd", "bases"), CancellationToken.None);
        await ManifestInstaller.EnsureNamespaceAsync(client, OperatorNs, CancellationToken.None);
        await ManifestInstaller.EnsureNamespaceAsync(client, Ns, CancellationToken.None);

        // Every version of the JWKS ConfigMap, as a watcher sees them.
        configMapWatch = new Informer<V1ConfigMap>(new ResourceClient<V1ConfigMap>(new KubernetesTransport(client)), new InformerOptions<V1ConfigMap> { Namespaces = [OperatorNs] }, TimeProvider.System, null, null);
        configMapWatch.AddHandler(e =>
        {
            if (e.Object.Metadata.Name == JwksPublisher.ConfigMapName && e.Type is InformerEventType.Added or InformerEventType.Modified)
            {
                lock (jwksVersions)
                {
                    jwksVersions.Add(JwksPublisher.JwksOf(e.Object) ?? "");
                }
            }
        });
        _ = configMapWatch.RunAsync(watching.Token);
        await configMapWatch.WaitForSyncAsync(CancellationToken.None);

        replicas.Add(await StartReplicaAsync("replica-a"));
        replicas.Add(await StartReplicaAsync("replica-b"));
    }

    public async Task DisposeAsync()
    {
        foreach (var app in replicas)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        await watching.CancelAsync();
        watching.Dispose();
        await clock.DisposeAsync();
        client.Dispose();
        await server.DisposeAsync();
    }

    [Fact]
    public async Task One_writer_and_no_flapping_through_a_rotation()
    {
        var transport = new KubernetesTransport(client);
        var secrets = new ResourceClient<V1Secret>(transport);
        var keys = new ResourceClient<V1Alpha1ApplicationKey>(transport);
        await new ResourceClient<V1Alpha1Application>(transport).CreateAsync(new V1Alpha1Application { Metadata = new V1ObjectMeta { Name = "app", NamespaceProperty = Ns } });
        await keys.CreateAsync(new V1Alpha1ApplicationKey
        {
            Metadata = new V1ObjectMeta { Name = "k", NamespaceProperty = Ns },
            Spec = new V1Alpha1ApplicationKeySpec { ApplicationRef = new V1Alpha1ApplicationReference { Name = "app" }, ValidityPeriod = -1 },
        });
        await Eventually.GetAsync(() => keys.GetAsync("k", Ns), k => k?.Status?.Revision == 1, "key issued");
        var before = SigningKeySecret.ParseState((await secrets.GetAsync(SigningKeySecret.SecretName, OperatorNs))!.Data[SigningKeySecret.StateKey])!;

        // Both replicas sign with the same current key (the follower reads the Secret the leader wrote).
        await Eventually.GetAsync(() => Task.FromResult<string?>(Currents()), c => c == $"{before.Current!.KeyId},{before.Current.KeyId}", "both replicas on the current key");

        var signing = (await secrets.GetAsync(SigningKeySecret.SecretName, OperatorNs))!;
        signing.Metadata.Annotations = new Dictionary<string, string> { [SigningKeySecret.RotateAnnotation] = "1" };
        await secrets.ReplaceAsync(signing);
        await Task.Delay(TimeSpan.FromSeconds(1));
        clock.Jump(TimeSpan.FromMinutes(61));
        await Eventually.GetAsync(() => keys.GetAsync("k", Ns), k => k?.Status?.Revision == 2, "never-expiring token re-minted");
        var next = before.Next!.KeyId;
        await Eventually.GetAsync(() => Task.FromResult<string?>(Currents()), c => c == $"{next},{next}", "both replicas on the new key");
        await Task.Delay(TimeSpan.FromSeconds(2));

        string[] versions;
        lock (jwksVersions)
        {
            versions = [.. jwksVersions];
        }

        // Created once (current + next), rewritten once at the rotation (new current, retired, new next); never back.
        Assert.True(versions.Length is >= 2 and <= 3, $"{versions.Length} JWKS versions:\n{string.Join("\n", versions)}");
        Assert.Equal(versions.Length, versions.Distinct(StringComparer.Ordinal).Count());
        Assert.Contains(next, JwksPublisher.KeyIds(versions[^1]));
        Assert.Contains(before.Current!.KeyId, JwksPublisher.KeyIds(versions[^1]));
        Assert.Equal(1, replicas.Count(r => r.Services.GetRequiredService<SigningKeyStore>().IsWriter));
    }

    private string Currents() => string.Join(",", replicas.Select(r => r.Services.GetRequiredService<SigningKeyStore>().TryGetCurrent(out var k) ? k.KeyId : "-"));

    private async Task<Microsoft.AspNetCore.Builder.WebApplication> StartReplicaAsync(string identity)
    {
        var options = new OperatorOptions { Namespace = OperatorNs, HttpPort = 0, HttpAddress = "127.0.0.1", LeaderElect = true, Identity = identity };
        var metrics = new RuntimeMetrics(Prometheus.Metrics.NewCustomRegistry());
        var app = OperatorHost.Build(
            options,
            config,
            services =>
            {
                services.AddSingleton<TimeProvider>(clock.Time);
                services.AddSingleton(metrics);
                services.Configure<ControllerRuntimeOptions>(runtime =>
                {
                    runtime.LeaderElection.LeaseDuration = TimeSpan.FromSeconds(5);
                    runtime.LeaderElection.RenewDeadline = TimeSpan.FromSeconds(4);
                    runtime.LeaderElection.RetryPeriod = TimeSpan.FromMilliseconds(500);
                    runtime.ShutdownTimeout = TimeSpan.FromSeconds(2);
                });

                // The operator's clock jumps an hour; the lease keeps real time (as in the chaos test).
                services.AddSingleton(sp => new LeaderElector(
                    sp.GetRequiredService<IResourceClient<V1Lease>>(),
                    sp.GetRequiredService<IOptions<ControllerRuntimeOptions>>().Value.LeaderElection,
                    TimeProvider.System,
                    metrics,
                    sp.GetService<ILogger<LeaderElector>>()));
            },
            logging =>
            {
                logging.ClearProviders();
                logging.AddProvider(logs);
            });
        await app.StartAsync();
        return app;
    }
}
