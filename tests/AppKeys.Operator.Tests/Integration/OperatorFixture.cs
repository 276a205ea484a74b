using System.Collections.Concurrent;
using System.Text;
using AppKeys.LocalApiServer;
using AppKeys.Operator.Apis;
using AppKeys.Operator.Dev;
using AppKeys.Operator.Hosting;
using AppKeys.Operator.Tests.TestSupport;
using AppKeys.Runtime.Client;
using AppKeys.Runtime.Informers;
using AppKeys.Runtime.Metrics;
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
/// tests (each test works in its own namespace). Every log line and every Secret version is captured so the suite can
/// prove that no consumer secret or token ever reached a log, an Event, a status or the metrics, and that every managed
/// Secret carried its labels and controller reference.
/// </summary>
public sealed class OperatorFixture : IAsyncLifetime
{
    public const string OperatorNamespace = "appkeys-system";

    private readonly CapturingLoggerProvider logs = new();
    private readonly SecretValueCollector secretValues = new();
    private readonly ConcurrentDictionary<string, byte> ownershipProblems = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> stoppedOperatorMetrics = new();
    private readonly CancellationTokenSource stop = new();
    private LocalKubernetesApiServer? server;
    private WebApplication? operatorApp;
    private Informer<V1Secret>? secretWatch;
    private Task? secretWatchTask;
    private int secretVersionsSeen;

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
    public IReadOnlyCollection<string> SecretValues => secretValues.Values;

    /// <summary>Every managed Secret version seen so far that lacked a label or its controller reference.</summary>
    public IReadOnlyCollection<string> OwnershipProblems => [.. ownershipProblems.Keys];

    /// <summary>Number of Secret versions the fixture's watch has checked.</summary>
    public int SecretVersionsSeen => secretVersionsSeen;

    public async Task InitializeAsync()
    {
        server = await LocalKubernetesApiServer.StartAsync(new LocalApiServerOptions());
        Config = await Kubeconfigs.ConfigAsync(server.KubeconfigYaml);

        Client = new Kubernetes(Config);
        var transport = new KubernetesTransport(Client);
        Applications = new ResourceClient<V1Alpha1Application>(transport);
        Keys = new ResourceClient<V1Alpha1ApplicationKey>(transport);
        Secrets = new ResourceClient<V1Secret>(transport);
        ConfigMaps = new ResourceClient<V1ConfigMap>(transport);
        Events = new ResourceClient<Corev1Event>(transport);

        await ManifestInstaller.InstallCrdsAsync(Client, RepositoryRoot.Combine("config", "crd", "bases"), stop.Token);
        await ManifestInstaller.EnsureNamespaceAsync(Client, OperatorNamespace, stop.Token);

        // Every Secret, not only labelled ones: a Secret owned by an Application or key but missing the label is a failure.
        secretWatch = new Informer<V1Secret>((ResourceClient<V1Secret>)Secrets, new InformerOptions<V1Secret>(), TimeProvider.System, null, null);
        secretWatch.AddHandler(e => Check(e.Object));
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
            // Each operator instance has its own metrics registry: keep its text for the leak scan.
            stoppedOperatorMetrics.Enqueue(await MetricsTextAsync(operatorApp.Services.GetRequiredService<RuntimeMetrics>()));
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
        if (secret is not null && ManagedSecretChecks.IsManaged(secret))
        {
            secretValues.Add(secret);
        }
    }

    /// <summary>Every Event in the cluster, as the text a reader would see.</summary>
    public async Task<IReadOnlyList<string>> AllEventTextsAsync()
    {
        var events = await Events.ListAsync(null);
        return [.. events.Items.Select(e => KubernetesJson.Serialize(e))];
    }

    /// <summary>
    /// Every text a secret must never reach, labelled with where it came from: log lines (with exception texts and
    /// scopes), Events, Applications and ApplicationKeys (status included), ConfigMaps, the metadata of every Secret,
    /// and the /metrics of the running operator and of every operator instance stopped before.
    /// </summary>
    public async Task<IReadOnlyList<(string Where, string Text)>> CapturedTextsAsync()
    {
        var texts = new List<(string Where, string Text)>();
        texts.AddRange(LogLines.Select(l => ("the operator log", l)));
        texts.AddRange((await AllEventTextsAsync()).Select(e => ("an Event", e)));
        texts.AddRange((await Applications.ListAsync(null)).Items.Select(a => ($"Application {a.Metadata.NamespaceProperty}/{a.Metadata.Name}", KubernetesJson.Serialize(a))));
        texts.AddRange((await Keys.ListAsync(null)).Items.Select(k => ($"ApplicationKey {k.Metadata.NamespaceProperty}/{k.Metadata.Name}", KubernetesJson.Serialize(k))));
        texts.AddRange((await ConfigMaps.ListAsync(null)).Items.Select(c => ($"ConfigMap {c.Metadata.NamespaceProperty}/{c.Metadata.Name}", KubernetesJson.Serialize(c))));
        texts.AddRange((await Secrets.ListAsync(null)).Items.Select(s => ($"the metadata of Secret {s.Metadata.NamespaceProperty}/{s.Metadata.Name}", KubernetesJson.Serialize(s.Metadata))));
        texts.AddRange(stoppedOperatorMetrics.Select(m => ("the /metrics of a stopped operator", m)));
        if (operatorApp is not null)
        {
            using var http = new HttpClient();
            texts.Add(("the operator's /metrics", await http.GetStringAsync(new Uri(OperatorHttp, "/metrics"))));
        }

        return texts;
    }

    /// <summary>
    /// Secret values found in any captured text (see <see cref="CapturedTextsAsync"/>), as they are or base64-encoded.
    /// The value itself is never printed: only its fingerprint, its form and where it was found.
    /// </summary>
    public async Task<IReadOnlyList<string>> FindLeaksAsync() => secretValues.FindIn(await CapturedTextsAsync());

    private void Check(V1Secret? secret)
    {
        if (secret is null)
        {
            return;
        }

        Interlocked.Increment(ref secretVersionsSeen);
        Remember(secret);
        foreach (var problem in ManagedSecretChecks.Problems(secret, OperatorNamespace))
        {
            ownershipProblems.TryAdd(problem, 0);
        }
    }

    private static async Task<string> MetricsTextAsync(RuntimeMetrics metrics)
    {
        using var buffer = new MemoryStream();
        await metrics.ExportAsync(buffer);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public async Task DisposeAsync()
    {
        // The suite-wide hygiene check, covering tests that ran after SecretHygieneTests.
        List<string> leaks = server is null ? [] : [.. await FindLeaksAsync(), .. OwnershipProblems];
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
            throw new InvalidOperationException("Secret hygiene failed: " + string.Join("; ", leaks));
        }
    }
}
