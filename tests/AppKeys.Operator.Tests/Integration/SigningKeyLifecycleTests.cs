using System.Text;
using AppKeys.LocalApiServer;
using AppKeys.Operator.Apis;
using AppKeys.Operator.Dev;
using AppKeys.Operator.Hosting;
using AppKeys.Operator.Signing;
using AppKeys.Operator.Tests.TestSupport;
using AppKeys.Runtime.Client;
using AppKeys.Runtime.Metrics;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AppKeys.Operator.Tests.Integration;

/// <summary>
/// The signing keys end to end against the local API server, on a clock that follows real time and jumps on demand:
/// the signing Secret deleted while running is restored from the keys the operator holds; <c>appkeys.io/rotate</c>
/// rotates once the next key has been published for the pre-publish window and re-mints the never-expiring token
/// (<c>SigningKeyRotated</c>); the Secret deleted while the operator is stopped re-mints it (<c>SigningKeyLost</c>).
/// Throughout, a Ready key's token verifies against the JWKS ConfigMap.
/// </summary>
public sealed class SigningKeyLifecycleTests : IAsyncLifetime
{
    private const string Ns = "signing";
    private const string OperatorNs = OperatorFixture.OperatorNamespace;
    private readonly TickingClock clock = new();
    private readonly CapturingLoggerProvider logs = new();
    private LocalKubernetesApiServer server = null!;
    private KubernetesClientConfiguration config = null!;
    private Kubernetes client = null!;
    private ResourceClient<V1Alpha1Application> applications = null!;
    private ResourceClient<V1Alpha1ApplicationKey> keys = null!;
    private ResourceClient<V1Secret> secrets = null!;
    private ResourceClient<V1ConfigMap> configMaps = null!;
    private ResourceClient<Corev1Event> events = null!;
    private Microsoft.AspNetCore.Builder.WebApplication? operatorApp;

    public async Task InitializeAsync()
    {
        server = await LocalKubernetesApiServer.StartAsync(new LocalApiServerOptions());
        config = await Kubeconfigs.ConfigAsync(server.KubeconfigYaml);
        client = new Kubernetes(config);
        var transport = new KubernetesTransport(client);
        applications = new ResourceClient<V1Alpha1Application>(transport);
        keys = new ResourceClient<V1Alpha1ApplicationKey>(transport);
        secrets = new ResourceClient<V1Secret>(transport);
        configMaps = new ResourceClient<V1ConfigMap>(transport);
        events = new ResourceClient<Corev1Event>(transport);
        await ManifestInstaller.InstallCrdsAsync(client, RepositoryRoot.Combine("config", "crd", "bases"), CancellationToken.None);
        await ManifestInstaller.EnsureNamespaceAsync(client, OperatorNs, CancellationToken.None);
        await ManifestInstaller.EnsureNamespaceAsync(client, Ns, CancellationToken.None);
        await StartAsync();
    }

    public async Task DisposeAsync()
    {
        await StopAsync();
        await clock.DisposeAsync();
        client.Dispose();
        await server.DisposeAsync();
    }

    [Fact]
    public async Task Restored_when_deleted_rotated_on_request_and_re_minted_when_lost()
    {
        await applications.CreateAsync(new V1Alpha1Application { Metadata = new V1ObjectMeta { Name = "app", NamespaceProperty = Ns } });
        await keys.CreateAsync(new V1Alpha1ApplicationKey
        {
            Metadata = new V1ObjectMeta { Name = "k", NamespaceProperty = Ns },
            Spec = new V1Alpha1ApplicationKeySpec { ApplicationRef = new V1Alpha1ApplicationReference { Name = "app" }, ValidityPeriod = -1 },
        });
        await WaitRevisionAsync(1);
        var original = await Eventually.GetAsync(() => secrets.GetAsync(SigningKeySecret.SecretName, OperatorNs), s => s?.Data?.ContainsKey(SigningKeySecret.StateKey) == true, "signing Secret");
        var set = SigningKeySecret.ParseState(original.Data[SigningKeySecret.StateKey])!;
        Assert.NotNull(set.Current);
        Assert.NotNull(set.Next);
        await AssertTokenVerifiesAsync(set.Current.KeyId);
        await AssertHttpJwksAsync(set);

        // Deleted while running: restored from the keys the operator holds; nothing re-minted.
        await secrets.DeleteAsync(SigningKeySecret.SecretName, OperatorNs);
        var restored = await Eventually.GetAsync(() => secrets.GetAsync(SigningKeySecret.SecretName, OperatorNs), s => s?.Metadata.Uid is { } uid && uid != original.Metadata.Uid, "restored signing Secret");
        Assert.True(SigningKeySecret.SameData(original.Data, restored.Data), "the restored Secret differs");
        await WaitEventAsync(OperatorNs, SigningKeyEvents.Restored);
        Assert.Equal(1, (await keys.GetAsync("k", Ns))!.Status!.Revision);

        // Rotation on request: honoured only once the next key has been published for the pre-publish window (1 h).
        var annotated = KubernetesObjectsClone(restored);
        annotated.Metadata.Annotations = new Dictionary<string, string> { [SigningKeySecret.RotateAnnotation] = "now" };
        await secrets.ReplaceAsync(annotated);
        await WaitEventAsync(OperatorNs, SigningKeyEvents.RotationRequested);
        Assert.Equal(set.Current.KeyId, (await CurrentStateAsync())!.Current!.KeyId);
        clock.Jump(TimeSpan.FromMinutes(61));
        var rotated = await Eventually.GetAsync(CurrentStateAsync, s => s?.Current?.KeyId == set.Next.KeyId, "the next key signing");
        Assert.Equal(SigningKeyState.Retired, rotated.Find(set.Current.KeyId)!.State);
        var reminted = await WaitRevisionAsync(2);
        await AssertTokenVerifiesAsync(set.Next.KeyId);
        Assert.Contains(await EventMessagesAsync(Ns), m => m.Contains("SigningKeyRotated", StringComparison.Ordinal));
        Assert.Equal(2, reminted.Status!.Revision);

        // Deleted while stopped: new keys, and the token signed by a lost key is re-minted (SigningKeyLost).
        await StopAsync();
        await secrets.DeleteAsync(SigningKeySecret.SecretName, OperatorNs);
        await StartAsync();
        await WaitRevisionAsync(3);
        var fresh = await Eventually.GetAsync(CurrentStateAsync, s => s?.Current is not null, "new key set");
        Assert.Null(fresh.Find(set.Next.KeyId));
        await AssertTokenVerifiesAsync(fresh.Current!.KeyId);
        Assert.Contains(await EventMessagesAsync(Ns), m => m.Contains("SigningKeyLost", StringComparison.Ordinal));
        await WaitEventAsync(OperatorNs, SigningKeyEvents.Lost);

        // Key material never reached the logs.
        foreach (var pem in original.Data.Where(e => e.Key.EndsWith(SigningKeySecret.PemSuffix, StringComparison.Ordinal)))
        {
            var body = Encoding.UTF8.GetString(pem.Value).Split('\n')[1];
            Assert.DoesNotContain(logs.Lines, l => l.Contains(body, StringComparison.Ordinal));
        }
    }

    /// <summary>The HTTP JWKS: GET and HEAD, cached no longer than a quarter of the pre-publish window (1 h → 900 s, capped at 300 s); /readyz ready.</summary>
    private async Task AssertHttpJwksAsync(SigningKeySet set)
    {
        var address = new Uri(operatorApp!.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First());
        using var http = new HttpClient();
        using var get = await http.GetAsync(new Uri(address, OperatorHost.JwksPath));
        Assert.Equal(System.Net.HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(300), get.Headers.CacheControl!.MaxAge);
        var served = JwksPublisher.KeyIds(await get.Content.ReadAsStringAsync());
        Assert.Contains(set.Current!.KeyId, served);
        Assert.Contains(set.Next!.KeyId, served);
        using var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, new Uri(address, OperatorHost.JwksPath)));
        Assert.Equal(System.Net.HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(300), head.Headers.CacheControl!.MaxAge);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync(new Uri(address, "/readyz"))).StatusCode);
        Assert.Equal(TimeSpan.FromMinutes(5), OperatorHost.JwksMaxAge(new SigningKeySettings(Credentials.SigningKeyAlgorithm.ES256, TimeSpan.FromDays(30), TimeSpan.FromHours(1), TimeSpan.FromDays(30), TimeSpan.FromMinutes(5))));
        Assert.Equal(TimeSpan.FromMinutes(5), OperatorHost.JwksMaxAge(new SigningKeySettings(Credentials.SigningKeyAlgorithm.ES256, TimeSpan.FromDays(30), TimeSpan.FromMinutes(20), TimeSpan.FromDays(30), TimeSpan.FromMinutes(5))));
        Assert.Equal(TimeSpan.FromMinutes(2), OperatorHost.JwksMaxAge(new SigningKeySettings(Credentials.SigningKeyAlgorithm.ES256, TimeSpan.FromDays(30), TimeSpan.FromMinutes(8), TimeSpan.FromDays(30), TimeSpan.FromMinutes(5))));
    }

    private static V1Secret KubernetesObjectsClone(V1Secret secret) => AppKeys.Runtime.KubernetesObjects.Clone(secret);

    private async Task<SigningKeySet?> CurrentStateAsync() =>
        await secrets.GetAsync(SigningKeySecret.SecretName, OperatorNs) is { Data: { } data } && data.TryGetValue(SigningKeySecret.StateKey, out var state)
            ? SigningKeySecret.ParseState(state)
            : null;

    /// <summary>The invariant: Ready means the token verifies against the JWKS ConfigMap.</summary>
    private async Task AssertTokenVerifiesAsync(string kid)
    {
        var token = await Eventually.GetAsync(
            async () => await secrets.GetAsync("k", Ns) is { } s ? Encoding.UTF8.GetString(s.Data["accessToken"]) : null,
            t => t is not null && SignedTokens.KeyIdOf(Encoding.ASCII.GetBytes(t)) == kid,
            $"token signed by {kid}");
        var jwks = await Eventually.GetAsync(
            async () => JwksPublisher.JwksOf(await configMaps.GetAsync(JwksPublisher.ConfigMapName, OperatorNs)),
            j => JwksPublisher.KeyIds(j).Contains(kid),
            $"JWKS with {kid}");
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            IssuerSigningKeys = new JsonWebKeySet(jwks).GetSigningKeys(),
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        var key = await keys.GetAsync("k", Ns);
        Assert.Contains(key!.Status!.Conditions!, c => c.Type == "Ready" && c.Status == "True");
    }

    private Task<V1Alpha1ApplicationKey> WaitRevisionAsync(long revision) =>
        Eventually.GetAsync(
            () => keys.GetAsync("k", Ns),
            k => k?.Status?.Revision == revision && k.Status.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true,
            $"key k Ready at revision {revision}");

    private Task<Corev1Event> WaitEventAsync(string ns, string reason) =>
        Eventually.GetAsync(async () => (await events.ListAsync(ns)).Items.FirstOrDefault(e => e.Reason == reason), $"a {reason} Event in {ns}");

    private async Task<List<string>> EventMessagesAsync(string ns) => [.. (await events.ListAsync(ns)).Items.Select(e => e.Message ?? "")];

    private async Task StartAsync()
    {
        var options = new OperatorOptions { Namespace = OperatorNs, HttpPort = 0, HttpAddress = "127.0.0.1", LeaderElect = false };
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

    private async Task StopAsync()
    {
        if (operatorApp is { } app)
        {
            await app.StopAsync();
            await app.DisposeAsync();
            operatorApp = null;
        }
    }
}
