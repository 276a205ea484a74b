using System.Collections.Concurrent;
using System.Text;
using AppKeys.LocalApiServer;
using AppKeys.Operator.Apis;
using AppKeys.Operator.Hosting;
using AppKeys.Operator.Local;
using AppKeys.Operator.Tests.TestSupport;
using AppKeys.Runtime.Client;
using AppKeys.Runtime.Informers;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AppKeys.Operator.Tests.Integration;

/// <summary>
/// One local API server with the CRDs installed and one operator running against it, shared by the integration
/// tests (each test works in its own namespace). Every log line and every managed Secret version is captured so the
/// suite can prove that no consumer secret or token ever reached a log or an event.
/// </summary>
public sealed class OperatorFixture : IAsyncLifetime
{
    public const string OperatorNamespace = "appkeys-system";

    private readonly CapturingLoggerProvider logs = new();
    private readonly ConcurrentDictionary<string, byte> secretValues = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource stop = new();
    private LocalKubernetesApiServer? server;
    private WebApplication? operatorApp;
    private Informer<V1Secret>? secretWatch;
    private Task? secretWatchTask;

    public Kubernetes Client { get; private set; } = null!;

    public KubernetesClientConfiguration Config { get; private set; } = null!;

    public IResourceClient<V1Alpha1Application> Applications { get; private set; } = null!;

    public IResourceClient<V1Alpha1ApplicationKey> Keys { get; private set; } = null!;

    public IResourceClient<V1Secret> Secrets { get; private set; } = null!;

    public IResourceClient<V1ConfigMap> ConfigMaps { get; private set; } = null!;

    public IResourceClient<Corev1Event> Events { get; private set; } = null!;

    public Uri OperatorHttp { get; private set; } = null!;

    public IReadOnlyCollection<string> LogLines => logs.Lines;

    /// <summary>Every consumer secret and access token value seen in any managed Secret during the run.</summary>
    public IReadOnlyCollection<string> SecretValues => [.. secretValues.Keys];

    public async Task InitializeAsync()
    {
        server = await LocalKubernetesApiServer.StartAsync(new LocalApiServerOptions());
        using (var kubeconfig = new MemoryStream(Encoding.UTF8.GetBytes(server.KubeconfigYaml)))
        {
            Config = await KubernetesClientConfiguration.BuildConfigFromConfigFileAsync(kubeconfig);
        }

        Client = new Kubernetes(Config);
        var transport = new KubernetesTransport(Client);
        Applications = new ResourceClient<V1Alpha1Application>(transport);
        Keys = new ResourceClient<V1Alpha1ApplicationKey>(transport);
        Secrets = new ResourceClient<V1Secret>(transport);
        ConfigMaps = new ResourceClient<V1ConfigMap>(transport);
        Events = new ResourceClient<Corev1Event>(transport);

        await ManifestInstaller.InstallCrdsAsync(Client, RepositoryRoot.Combine("config", "crd", "bases"), stop.Token);
        await ManifestInstaller.EnsureNamespaceAsync(Client, OperatorNamespace, stop.Token);

        secretWatch = new Informer<V1Secret>(
            (ResourceClient<V1Secret>)Secrets,
            new InformerOptions<V1Secret> { LabelSelector = $"{AppKeysLabels.ManagedBy}={AppKeysApi.ManagerName}" },
            TimeProvider.System,
            null,
            null);
        secretWatch.AddHandler(e => Remember(e.Object));
        secretWatchTask = secretWatch.RunAsync(stop.Token);
        await StartOperatorAsync();
    }

    public async Task StartOperatorAsync()
    {
        var options = new OperatorOptions
        {
            Namespace = OperatorNamespace,
            HttpPort = 0,
            HttpAddress = "127.0.0.1",
            LeaderElect = true,
            Identity = $"test-{Guid.NewGuid():N}",
            Issuer = "https://issuer.test",
            Audiences = ["https://api.test"],
            Workers = 2,
        };
        operatorApp = OperatorHost.Build(options, Config, configureLogging: logging =>
        {
            logging.AddProvider(logs);
            logging.SetMinimumLevel(LogLevel.Trace);
        });
        await operatorApp.StartAsync();
        var address = operatorApp.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        OperatorHttp = new Uri(address);
    }

    public async Task StopOperatorAsync()
    {
        if (operatorApp is not null)
        {
            await operatorApp.StopAsync();
            await operatorApp.DisposeAsync();
            operatorApp = null;
        }
    }

    public async Task RestartOperatorAsync()
    {
        await StopOperatorAsync();
        await StartOperatorAsync();
    }

    public async Task<string> CreateNamespaceAsync(string prefix)
    {
        var name = $"{prefix}-{Guid.NewGuid().ToString("N")[..6]}";
        await ManifestInstaller.EnsureNamespaceAsync(Client, name, stop.Token);
        return name;
    }

    /// <summary>Records the secret values of a Secret a test read (the watch records every version too).</summary>
    public void Remember(V1Secret? secret)
    {
        foreach (var (key, value) in secret?.Data ?? new Dictionary<string, byte[]>())
        {
            if (SecretValueCollector.IsSecretKey(key))
            {
                if (value is { Length: > 0 })
                {
                    secretValues.TryAdd(Encoding.UTF8.GetString(value), 0);
                }
            }
        }
    }

    /// <summary>Every Event in the cluster, as the text a reader would see.</summary>
    public async Task<IReadOnlyList<string>> AllEventTextsAsync()
    {
        var events = await Events.ListAsync(null);
        return [.. events.Items.Select(e => KubernetesJson.Serialize(e))];
    }

    /// <summary>Secret values found in any log line or event (the value itself is never printed: only where it was found).</summary>
    public async Task<IReadOnlyList<string>> FindLeaksAsync()
    {
        var events = await AllEventTextsAsync();
        var leaks = new List<string>();
        foreach (var value in SecretValues)
        {
            var fingerprint = Credentials.TokenFingerprint.Compute(value);
            if (LogLines.Any(l => l.Contains(value, StringComparison.Ordinal)))
            {
                leaks.Add($"a secret value ({fingerprint}) appears in the operator log");
            }

            if (events.Any(e => e.Contains(value, StringComparison.Ordinal)))
            {
                leaks.Add($"a secret value ({fingerprint}) appears in an Event");
            }
        }

        return leaks;
    }

    public async Task DisposeAsync()
    {
        // The suite-wide hygiene check, covering tests that ran after SecretHygieneTests.
        var leaks = server is null ? [] : await FindLeaksAsync();
        await StopOperatorAsync();
        await stop.CancelAsync();
        if (secretWatchTask is not null)
        {
            try
            {
                await secretWatchTask;
            }
            catch (OperationCanceledException)
            {
            }
        }

        Client?.Dispose();
        if (server is not null)
        {
            await server.DisposeAsync();
        }

        stop.Dispose();
        if (leaks.Count > 0)
        {
            throw new InvalidOperationException("Secret material leaked: " + string.Join("; ", leaks));
        }
    }
}
