using System.Net;
using System.Net.Sockets;
using System.Text;
using AppKeys.LocalApiServer;
using AppKeys.LocalApiServer.Authorization;
using AppKeys.Operator.Apis;
using AppKeys.Operator.Dev;
using AppKeys.Operator.Hosting;
using AppKeys.Operator.KeyManager;
using AppKeys.Operator.Tests.TestSupport;
using AppKeys.Runtime.Client;
using AppKeys.Runtime.Metrics;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AppKeys.Operator.Tests.KeyManager;

/// <summary>
/// A local API server enforcing RBAC (config/rbac applied), and two operator replicas against it sharing one issuer:
/// replica A serves the issuer's HTTPS port, replica B its own. Every log line of both is captured.
/// </summary>
public sealed class KeyManagerFixture : IAsyncLifetime
{
    public const string OperatorNamespace = "appkeys-system";

    private readonly CapturingLoggerProvider logs = new();
    private readonly CancellationTokenSource stop = new();

    public LocalKubernetesApiServer Server { get; private set; } = null!;

    public Kubernetes Client { get; private set; } = null!;

    public IResourceClient<V1Alpha1Application> Applications { get; private set; } = null!;

    public IResourceClient<V1Alpha1ApplicationKey> Keys { get; private set; } = null!;

    public IResourceClient<V1Secret> Secrets { get; private set; } = null!;

    public WebApplication ReplicaA { get; private set; } = null!;

    public WebApplication ReplicaB { get; private set; } = null!;

    /// <summary>The issuer (replica A's HTTPS base URL), also the JWT iss.</summary>
    public string Issuer { get; private set; } = "";

    /// <summary>Replica B's HTTPS base URL (same issuer, another port).</summary>
    public string ReplicaBBase { get; private set; } = "";

    /// <summary>PEM of the CA published in ConfigMap appkeys-oauth-ca.</summary>
    public string CaPem { get; private set; } = "";

    public IReadOnlyCollection<string> LogLines => logs.Lines;

    public async Task InitializeAsync()
    {
        Server = await LocalKubernetesApiServer.StartAsync(new LocalApiServerOptions { Authorization = AuthorizationMode.Rbac });
        var config = await Kubeconfigs.ConfigAsync(Server.KubeconfigYaml);
        Client = new Kubernetes(config);
        var transport = new KubernetesTransport(Client);
        Applications = new ResourceClient<V1Alpha1Application>(transport);
        Keys = new ResourceClient<V1Alpha1ApplicationKey>(transport);
        Secrets = new ResourceClient<V1Secret>(transport);
        await ManifestInstaller.InstallCrdsAsync(Client, RepositoryRoot.Combine("config", "crd", "bases"), stop.Token);
        await ManifestInstaller.EnsureNamespaceAsync(Client, OperatorNamespace, stop.Token);
        await ManifestInstaller.ApplyRbacAsync(Client, ManifestFiles.ReadKustomization(RepositoryRoot.Combine("config", "rbac")), stop.Token);

        // The operator runs as its ServiceAccount under config/rbac, as in a cluster.
        var operatorConfig = new KubernetesClientConfiguration { Host = config.Host, SslCaCerts = config.SslCaCerts, AccessToken = Server.IssueToken(LocalMode.ServiceAccountUser) };
        var portA = FreePort();
        var portB = FreePort();
        Issuer = $"https://127.0.0.1:{portA}";
        ReplicaBBase = $"https://127.0.0.1:{portB}";
        ReplicaA = await StartReplicaAsync(operatorConfig, portA);
        ReplicaB = await StartReplicaAsync(operatorConfig, portB);
        var caMap = await Eventually.GetAsync(
            async () => await new ResourceClient<V1ConfigMap>(transport).GetAsync(EndpointCertificates.CaSecretName, OperatorNamespace),
            c => c?.Data?.ContainsKey(EndpointCertificates.CaConfigMapKey) == true,
            "ConfigMap appkeys-oauth-ca");
        CaPem = caMap.Data[EndpointCertificates.CaConfigMapKey];
        using var http = NewHttpClient();
        await Eventually.GetAsync(async () => (await http.GetAsync(new Uri(Issuer + KeyManagerEndpoints.OpenIdConfigurationPath))).StatusCode, s => s == HttpStatusCode.OK, "metadata served by replica A");
    }

    private async Task<WebApplication> StartReplicaAsync(KubernetesClientConfiguration config, int oauthPort)
    {
        var options = new OperatorOptions
        {
            Namespace = OperatorNamespace,
            HttpPort = 0,
            HttpAddress = "127.0.0.1",
            OAuthPort = oauthPort,
            LeaderElect = true,
            Identity = $"keymanager-{oauthPort}",
            Issuer = Issuer,
            Workers = 2,
        };
        var app = OperatorHost.Build(options, config, configureLogging: logging =>
        {
            logging.AddProvider(logs);
            logging.SetMinimumLevel(LogLevel.Debug);
        });
        await app.StartAsync();
        return app;
    }

    /// <summary>
    /// An HTTP client that trusts exactly the operator's published CA (names are still checked), connecting from
    /// <paramref name="sourceAddress"/> (a loopback address of its own keeps the per-address limiter apart).
    /// </summary>
    public HttpClient NewHttpClient(string sourceAddress = "127.0.0.1") => TrustingHttpClient.Create(CaPem, sourceAddress);

    /// <summary>A namespace with an Application (JWT unless configured otherwise), waited for until its credentials exist.</summary>
    public async Task<(string Namespace, V1Alpha1Application Application, string ConsumerKey, string ConsumerSecret)> CreateApplicationAsync(string prefix, Action<V1Alpha1ApplicationSpec>? configure = null)
    {
        var ns = $"{prefix}-{Guid.NewGuid().ToString("N")[..6]}";
        await ManifestInstaller.EnsureNamespaceAsync(Client, ns, stop.Token);
        var spec = new V1Alpha1ApplicationSpec { AllowedScopes = ["orders:read", "orders:write"] };
        configure?.Invoke(spec);
        await Applications.CreateAsync(new V1Alpha1Application { Metadata = new V1ObjectMeta { Name = "shop", NamespaceProperty = ns }, Spec = spec });
        var app = await Eventually.GetAsync(() => Applications.GetAsync("shop", ns), a => a?.Status?.Keys?.FirstOrDefault()?.ConsumerKey is { Length: > 0 }, $"Application {ns}/shop has a consumer key");
        var secret = await Secrets.GetAsync(app.Status!.SecretName!, ns);
        var keyType = app.Status.Keys![0].KeyType.ToLowerInvariant();
        return (ns, app, Encoding.UTF8.GetString(secret!.Data[$"{keyType}.consumerKey"]), Encoding.UTF8.GetString(secret.Data[$"{keyType}.consumerSecret"]));
    }

    /// <summary>A bearer token for <paramref name="user"/>, optionally bound to appkeys-token-introspector in <paramref name="namespaces"/>.</summary>
    public async Task<string> IntrospectorTokenAsync(string user, params string[] namespaces)
    {
        foreach (var ns in namespaces)
        {
            await ManifestInstaller.ApplyAsync(Client, [System.Text.Json.Nodes.JsonNode.Parse($$"""
                {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding",
                 "metadata":{"name":"introspect-{{Guid.NewGuid():N}}","namespace":"{{ns}}"},
                 "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"appkeys-token-introspector"},
                 "subjects":[{"kind":"User","apiGroup":"rbac.authorization.k8s.io","name":"{{user}}"}]}
                """)!.AsObject()], null, stop.Token);
        }

        return Server.IssueToken(user);
    }

    /// <summary>Requests to the API server that write (POST, PUT, PATCH, DELETE) made by <paramref name="replica"/> so far.</summary>
    public static double ApiWrites(WebApplication replica)
    {
        using var buffer = new MemoryStream();
        replica.Services.GetRequiredService<RuntimeMetrics>().ExportAsync(buffer).GetAwaiter().GetResult();
        return Encoding.UTF8.GetString(buffer.ToArray()).Split('\n')
            .Where(l => l.StartsWith("rest_client_requests_total{", StringComparison.Ordinal) && !l.Contains("method=\"GET\"", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>The replica that does not hold the lease (so it writes nothing on its own).</summary>
    public WebApplication Standby()
    {
        static double Leader(WebApplication r) => r.Services.GetRequiredService<RuntimeMetrics>().Value("leader_election_master_status", "appkeys-operator-leader");
        return Leader(ReplicaA) > 0 ? ReplicaB : ReplicaA;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task DisposeAsync()
    {
        foreach (var replica in new[] { ReplicaA, ReplicaB }.Where(r => r is not null))
        {
            await replica.StopAsync();
            await replica.DisposeAsync();
        }

        await stop.CancelAsync();
        Client?.Dispose();
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }

        stop.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class KeyManagerCollection : ICollectionFixture<KeyManagerFixture>
{
    public const string Name = "keymanager";
}
