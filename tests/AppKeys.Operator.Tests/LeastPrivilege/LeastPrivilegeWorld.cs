using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using AppKeys.LocalApiServer;
using AppKeys.LocalApiServer.Authorization;
using AppKeys.Operator.Apis;
using AppKeys.Operator.Dev;
using AppKeys.Operator.Hosting;
using AppKeys.Operator.KeyManager;
using AppKeys.Operator.Tests.TestSupport;
using AppKeys.Runtime.Client;
using AppKeys.Runtime.Hosting;
using AppKeys.Runtime.LeaderElection;
using AppKeys.Runtime.Metrics;
using Duende.IdentityModel.Client;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AppKeys.Operator.Tests.LeastPrivilege;

/// <summary>The operator needed a permission it was not granted: the first denial of its ServiceAccount.</summary>
public sealed class OperatorDeniedException(DeniedRequest denial, string step)
    : Exception($"the operator was denied {denial} during: {step}")
{
    public DeniedRequest Denial { get; } = denial;

    public string Step { get; } = step;
}

/// <summary>
/// A local API server with RBAC on (and kube's OwnerReferencesPermissionEnforcement admission, which hardened
/// clusters enable), the CRDs, the given RBAC objects (config/rbac, possibly with a permission taken away), and the
/// operator running under its ServiceAccount token. <see cref="RunLifecycleAsync"/> drives everything the operator
/// does for users and stops at the first request of the operator that the server denies.
/// </summary>
public sealed class LeastPrivilegeWorld : IAsyncDisposable
{
    public const string Namespace = "team-a";
    private const string OperatorNamespace = OperatorRbac.ServiceAccountNamespace;
    private const string JwksConfigMap = "appkeys-jwks";

    private readonly LocalKubernetesApiServer server;
    private readonly Kubernetes admin;
    private readonly KubernetesClientConfiguration operatorConfig;
    private readonly CapturingLoggerProvider logs = new();
    private readonly List<string> steps = [];
    private readonly IReadOnlyList<string> watchNamespaces;
    private WebApplication? operatorApp;

    private LeastPrivilegeWorld(LocalKubernetesApiServer server, Kubernetes admin, KubernetesClientConfiguration operatorConfig, IReadOnlyList<string> watchNamespaces)
    {
        this.watchNamespaces = watchNamespaces;
        this.server = server;
        this.admin = admin;
        this.operatorConfig = operatorConfig;
        var transport = new KubernetesTransport(admin);
        Applications = new ResourceClient<V1Alpha1Application>(transport);
        Keys = new ResourceClient<V1Alpha1ApplicationKey>(transport);
        Secrets = new ResourceClient<V1Secret>(transport);
        ConfigMaps = new ResourceClient<V1ConfigMap>(transport);
        Events = new ResourceClient<Corev1Event>(transport);
        Leases = new ResourceClient<V1Lease>(transport);
    }

    public IResourceClient<V1Alpha1Application> Applications { get; }

    public IResourceClient<V1Alpha1ApplicationKey> Keys { get; }

    public IResourceClient<V1Secret> Secrets { get; }

    public IResourceClient<V1ConfigMap> ConfigMaps { get; }

    public IResourceClient<Corev1Event> Events { get; }

    public IResourceClient<V1Lease> Leases { get; }

    /// <summary>The lifecycle steps completed so far.</summary>
    public IReadOnlyList<string> Steps => steps;

    /// <summary>Every request of the operator's ServiceAccount that the server refused.</summary>
    public IReadOnlyList<DeniedRequest> OperatorDenials => [.. server.Denials.Denied.Where(d => d.User == OperatorRbac.User && Tolerated?.Invoke(d) != true)];

    /// <summary>Denials of the operator that the scenario expects (e.g. workloads without the opt-in RBAC): not failures.</summary>
    public Func<DeniedRequest, bool>? Tolerated { get; set; }

    /// <summary>Every denial, whoever asked (the test's own admin requests must never be among them).</summary>
    public IReadOnlyList<DeniedRequest> AllDenials => server.Denials.Denied;

    public IReadOnlyCollection<string> OperatorLog => logs.Lines;

    /// <param name="rbac">The RBAC objects to create (config/rbac, or a variant of it).</param>
    /// <param name="watchNamespaces">The operator's <c>--watch-namespaces</c>; empty for every namespace.</param>
    public static async Task<LeastPrivilegeWorld> StartAsync(IReadOnlyList<JsonObject> rbac, IReadOnlyList<string>? watchNamespaces = null)
    {
        var server = await LocalKubernetesApiServer.StartAsync(new LocalApiServerOptions
        {
            Authorization = AuthorizationMode.Rbac,
            OwnerReferencesPermissionEnforcement = true,
        });
        try
        {
            var adminConfig = await Kubeconfigs.ConfigAsync(server.KubeconfigYaml);

            var admin = new Kubernetes(adminConfig);
            await ManifestInstaller.InstallCrdsAsync(admin, RepositoryRoot.Combine("config", "crd", "bases"), CancellationToken.None);
            await ManifestInstaller.EnsureNamespaceAsync(admin, OperatorNamespace, CancellationToken.None);
            await ManifestInstaller.EnsureNamespaceAsync(admin, Namespace, CancellationToken.None);
            await ManifestInstaller.ApplyRbacAsync(admin, rbac, CancellationToken.None);

            // Exactly the operator's ServiceAccount identity, as the kubelet-mounted token would authenticate it.
            var operatorConfig = new KubernetesClientConfiguration
            {
                Host = adminConfig.Host,
                SslCaCerts = adminConfig.SslCaCerts,
                AccessToken = server.IssueToken(OperatorRbac.User),
            };
            return new LeastPrivilegeWorld(server, admin, operatorConfig, watchNamespaces ?? []);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Everything the operator does for its users, in an order that makes each permission's first use easy to
    /// place: start (signing key, JWKS, lease), Applications (JWT and opaque) and their Secrets, keys of both
    /// types and key types, a renewal, a Secret rename, a Secret in the way, two regenerations (a repeated Event),
    /// a restart that repairs a tampered JWKS ConfigMap and takes over the lease, and a deleted Application whose
    /// key's Secret is revoked. Throws <see cref="OperatorDeniedException"/> at the first denial of the operator.
    /// </summary>
    public async Task RunLifecycleAsync(TimeSpan stepTimeout)
    {
        await Step("the operator starts (signing key Secret, JWKS ConfigMap, lease)", stepTimeout, async () =>
        {
            await StartOperatorAsync("replica-a");
            return await WaitAsync(() => ConfigMaps.GetAsync(JwksConfigMap, OperatorNamespace), c => c is not null, "the JWKS ConfigMap", stepTimeout);
        });

        await Step("two Applications get their credentials Secrets", stepTimeout, async () =>
        {
            await Applications.CreateAsync(Application("shop", s => s.KeyTypes = [KeyTypes.Production, KeyTypes.Sandbox]));
            await Applications.CreateAsync(Application("legacy", s => s.TokenType = TokenTypes.Opaque));
            await WaitApplicationReadyAsync("shop", stepTimeout);
            return await WaitApplicationReadyAsync("legacy", stepTimeout);
        });

        await Step("JWT and opaque keys are issued into their Secrets", stepTimeout, async () =>
        {
            await Keys.CreateAsync(Key("shop-prod", "shop"));
            await Keys.CreateAsync(Key("shop-sandbox", "shop", s => s.KeyType = KeyTypes.Sandbox));
            await Keys.CreateAsync(Key("legacy-prod", "legacy"));
            foreach (var name in new[] { "shop-prod", "shop-sandbox", "legacy-prod" })
            {
                await WaitKeyAsync(name, k => IsReady(k, revision: 1), "Ready at revision 1", stepTimeout);
                await WaitAsync(() => Secrets.GetAsync(name, Namespace), s => s is not null, $"Secret {name}", stepTimeout);
            }

            return true;
        });

        await Step("a gateway introspects a token from the token endpoint (TokenReview, SubjectAccessReview)", stepTimeout, async () =>
        {
            var caPem = (await WaitAsync(() => ConfigMaps.GetAsync(EndpointCertificates.CaSecretName, OperatorNamespace), c => c?.Data?.ContainsKey(EndpointCertificates.CaConfigMapKey) == true, "the OAuth CA ConfigMap", stepTimeout)).Data[EndpointCertificates.CaConfigMapKey];
            var credentials = (await Secrets.GetAsync("shop-credentials", Namespace))!.Data;
            var gateway = $"system:serviceaccount:{Namespace}:gateway";
            await ManifestInstaller.ApplyAsync(admin, [JsonNode.Parse($$"""
                {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"gateway-introspects","namespace":"{{Namespace}}"},
                 "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"appkeys-token-introspector"},
                 "subjects":[{"kind":"User","apiGroup":"rbac.authorization.k8s.io","name":"{{gateway}}"}]}
                """)!.AsObject()], null, CancellationToken.None);
            using var http = TrustingHttpClient.Create(caPem);
            var baseUrl = operatorApp!.Urls.First(u => u.StartsWith("https://", StringComparison.Ordinal));
            var token = await WaitAsync(
                async () =>
                {
                    var response = await http.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
                    {
                        Address = baseUrl + KeyManagerEndpoints.TokenPath,
                        ClientId = Encoding.UTF8.GetString(credentials["production.consumerKey"]),
                        ClientSecret = Encoding.UTF8.GetString(credentials["production.consumerSecret"]),
                    });
                    return response.IsError ? null : response.AccessToken;
                },
                t => t is not null,
                "a token from /oauth2/token",
                stepTimeout);
            var bearer = server.IssueToken(gateway);
            return await WaitAsync(
                async () =>
                {
                    var request = new TokenIntrospectionRequest { Address = baseUrl + KeyManagerEndpoints.IntrospectPath, Token = token };
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
                    return (await http.IntrospectTokenAsync(request)).IsActive ? "active" : null;
                },
                a => a is not null,
                "the token introspected as active",
                stepTimeout);
        });

        await Step("a renew request re-issues a token (the Secret is updated)", stepTimeout, async () =>
        {
            await PatchAnnotationAsync(Keys, "shop-prod", AppKeysAnnotations.Renew, "now");
            return await WaitKeyAsync("shop-prod", k => IsReady(k, revision: 2), "Ready at revision 2", stepTimeout);
        });

        await Step("a key's secretName changes (new Secret written, old one deleted)", stepTimeout, async () =>
        {
            var key = await Keys.GetAsync("shop-sandbox", Namespace) ?? throw new InvalidOperationException("shop-sandbox is gone");
            key.Spec.SecretName = "shop-sandbox-v2";
            await Keys.ReplaceAsync(key);
            await WaitKeyAsync("shop-sandbox", k => IsReady(k, revision: null), "Ready for its new secretName", stepTimeout);
            await WaitAsync(() => Secrets.GetAsync("shop-sandbox-v2", Namespace), s => s is not null, "Secret shop-sandbox-v2", stepTimeout);
            return await WaitAsync(async () => await Secrets.GetAsync("shop-sandbox", Namespace) is null ? "gone" : null, s => s is not null, "the old Secret shop-sandbox deleted", stepTimeout);
        });

        await Step("a key whose secretName is taken by a foreign Secret reports SecretConflict", stepTimeout, async () =>
        {
            await Secrets.CreateAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "foreign", NamespaceProperty = Namespace }, StringData = new Dictionary<string, string> { ["owner"] = "someone else" } });
            await Keys.CreateAsync(Key("grabber", "shop", s => s.SecretName = "foreign"));
            return await WaitKeyAsync("grabber", k => HasReason(k, ConditionReasons.SecretConflict), "Ready=False SecretConflict", stepTimeout);
        });

        await Step("a consumer secret is regenerated twice (the repeated Event is updated)", stepTimeout, async () =>
        {
            await PatchAnnotationAsync(Applications, "shop", AppKeysAnnotations.RegenerateSecret, "first");
            await WaitEventAsync("shop", "ConsumerSecretRegenerated", 1, stepTimeout);
            await PatchAnnotationAsync(Applications, "shop", AppKeysAnnotations.RegenerateSecret, "second");
            return await WaitEventAsync("shop", "ConsumerSecretRegenerated", 2, stepTimeout);
        });

        await Step("a new replica repairs a tampered JWKS ConfigMap and takes the lease over", stepTimeout, async () =>
        {
            var jwks = await ConfigMaps.GetAsync(JwksConfigMap, OperatorNamespace) ?? throw new InvalidOperationException("no JWKS ConfigMap");
            var published = jwks.Data.Single().Value;
            await StopOperatorAsync();
            jwks.Data = jwks.Data.ToDictionary(e => e.Key, _ => "{\"keys\":[]}");
            await ConfigMaps.ReplaceAsync(jwks);
            await StartOperatorAsync("replica-b");
            await WaitAsync(() => Leases.GetAsync(new LeaderElectionOptions().LeaseName, OperatorNamespace), l => l?.Spec?.HolderIdentity == "replica-b", "replica-b holding the lease", stepTimeout);
            return await WaitAsync(() => ConfigMaps.GetAsync(JwksConfigMap, OperatorNamespace), c => c?.Data?.Single().Value == published, "the JWKS republished", stepTimeout);
        });

        await Step("a deleted Application's key is revoked (its Secret deleted)", stepTimeout, async () =>
        {
            await Applications.DeleteAsync("legacy", Namespace);
            await WaitKeyAsync("legacy-prod", k => HasReason(k, ConditionReasons.ApplicationNotFound), "Ready=False ApplicationNotFound", stepTimeout);
            return await WaitAsync(async () => await Secrets.GetAsync("legacy-prod", Namespace) is null ? "gone" : null, s => s is not null, "Secret legacy-prod deleted", stepTimeout);
        });

        await StopOperatorAsync();
        ThrowIfDenied("the operator stops");
    }

    /// <summary>
    /// Rollout restarts (spec.rolloutRestartTargets): a key whose Secret a Deployment mounts and a DaemonSet reads
    /// through env, an Application whose Secret a StatefulSet reads through envFrom; then a renew request and a
    /// consumer-secret regeneration. With <paramref name="granted"/> (config/components/rollout-restart) every target
    /// gets the pod-template restartedAt after the change, and RolloutRestart is True; without it, the key and the
    /// Application stay Ready, get their new token and secret, report RolloutRestart=False reason Forbidden, and no
    /// workload is touched. Throws <see cref="OperatorDeniedException"/> at the first denial not <see cref="Tolerated"/>.
    /// </summary>
    public async Task RunRolloutRestartsAsync(TimeSpan stepTimeout, bool granted)
    {
        var deployments = new ResourceClient<V1Deployment>(new KubernetesTransport(admin));
        var statefulSets = new ResourceClient<V1StatefulSet>(new KubernetesTransport(admin));
        var daemonSets = new ResourceClient<V1DaemonSet>(new KubernetesTransport(admin));
        V1PodTemplateSpec Template(string app, string secret, bool volume = false, bool env = false, bool envFrom = false) => new()
        {
            Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = app } },
            Spec = new V1PodSpec
            {
                Containers =
                [
                    new V1Container
                    {
                        Name = "c",
                        Image = "example/app:1",
                        Env = env ? [new V1EnvVar { Name = "TOKEN", ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = secret, Key = "accessToken" } } }] : null,
                        EnvFrom = envFrom ? [new V1EnvFromSource { SecretRef = new V1SecretEnvSource { Name = secret } }] : null,
                    },
                ],
                Volumes = volume ? [new V1Volume { Name = "creds", Secret = new V1SecretVolumeSource { SecretName = secret } }] : null,
            },
        };
        V1LabelSelector Selector(string app) => new() { MatchLabels = new Dictionary<string, string> { ["app"] = app } };
        async Task<string?> RestartedAtAsync(string kind, string name)
        {
            var template = kind switch
            {
                WorkloadKinds.Deployment => (await deployments.GetAsync(name, Namespace))?.Spec.Template,
                WorkloadKinds.StatefulSet => (await statefulSets.GetAsync(name, Namespace))?.Spec.Template,
                _ => (await daemonSets.GetAsync(name, Namespace))?.Spec.Template,
            };
            return template?.Metadata?.Annotations?.TryGetValue("kubectl.kubernetes.io/restartedAt", out var at) == true ? at : null;
        }

        V1Condition? RolloutRestart(IEnumerable<V1Condition>? conditions) => conditions?.FirstOrDefault(c => c.Type == "RolloutRestart");
        var expected = granted ? ("True", "Ready") : ("False", "Forbidden");

        await Step("the operator starts", stepTimeout, async () =>
        {
            await StartOperatorAsync("replica-a");
            return await WaitAsync(() => ConfigMaps.GetAsync(JwksConfigMap, OperatorNamespace), c => c is not null, "the JWKS ConfigMap", stepTimeout);
        });

        await Step("workloads that use the Secrets; an Application and a key that name them", stepTimeout, async () =>
        {
            await deployments.CreateAsync(new V1Deployment { Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = Namespace }, Spec = new V1DeploymentSpec { Selector = Selector("web"), Template = Template("web", "web-key", volume: true) } });
            await daemonSets.CreateAsync(new V1DaemonSet { Metadata = new V1ObjectMeta { Name = "agent", NamespaceProperty = Namespace }, Spec = new V1DaemonSetSpec { Selector = Selector("agent"), Template = Template("agent", "web-key", env: true) } });
            await statefulSets.CreateAsync(new V1StatefulSet { Metadata = new V1ObjectMeta { Name = "db", NamespaceProperty = Namespace }, Spec = new V1StatefulSetSpec { ServiceName = "db", Selector = Selector("db"), Template = Template("db", "web-app-credentials", envFrom: true) } });
            await Applications.CreateAsync(Application("web-app", s => s.RolloutRestartTargets = [new V1Alpha1RolloutRestartTarget { Kind = WorkloadKinds.StatefulSet, Name = "db" }]));
            await Keys.CreateAsync(Key("web-key", "web-app", s => s.RolloutRestartTargets =
            [
                new V1Alpha1RolloutRestartTarget { Kind = WorkloadKinds.Deployment, Name = "web" },
                new V1Alpha1RolloutRestartTarget { Kind = WorkloadKinds.DaemonSet, Name = "agent" },
            ]));
            await WaitAsync(() => Applications.GetAsync("web-app", Namespace), a => RolloutRestart(a?.Status?.Conditions) is { } c && (c.Status, c.Reason) == expected, $"Application web-app RolloutRestart={expected}", stepTimeout);
            return await WaitKeyAsync("web-key", k => IsReady(k, revision: 1) && RolloutRestart(k.Status.Conditions) is { } c && (c.Status, c.Reason) == expected, $"Ready at revision 1 with RolloutRestart={expected}", stepTimeout);
        });

        await Step("a renew request: a new token, and the workloads using the key's Secret restarted", stepTimeout, async () =>
        {
            Assert.Null(await RestartedAtAsync(WorkloadKinds.Deployment, "web"));
            await PatchAnnotationAsync(Keys, "web-key", AppKeysAnnotations.Renew, "now");
            var key = await WaitKeyAsync("web-key", k => IsReady(k, revision: 2) && k.Status.RolloutRestarts?.All(r => r.ObservedContent == k.Status.TokenId || r.Result == "Forbidden") == true, "Ready at revision 2, its targets looked at", stepTimeout);
            Assert.Equal(expected, (RolloutRestart(key.Status.Conditions)!.Status, RolloutRestart(key.Status.Conditions)!.Reason));
            foreach (var (kind, name) in new[] { (WorkloadKinds.Deployment, "web"), (WorkloadKinds.DaemonSet, "agent") })
            {
                Assert.Equal(granted, await RestartedAtAsync(kind, name) is not null);
            }

            return key;
        });

        await Step("a regenerated consumer secret: the StatefulSet using the Application's Secret restarted", stepTimeout, async () =>
        {
            Assert.Null(await RestartedAtAsync(WorkloadKinds.StatefulSet, "db"));
            await PatchAnnotationAsync(Applications, "web-app", AppKeysAnnotations.RegenerateSecret, "now");
            await WaitEventAsync("web-app", "ConsumerSecretRegenerated", 1, stepTimeout);
            if (granted)
            {
                return await WaitAsync(() => RestartedAtAsync(WorkloadKinds.StatefulSet, "db"), at => at is not null, "StatefulSet db restarted", stepTimeout);
            }

            var app = await WaitAsync(() => Applications.GetAsync("web-app", Namespace), a => a?.Status?.RolloutRestarts?.SingleOrDefault()?.Result == "Forbidden", "web-app's target Forbidden", stepTimeout);
            Assert.Equal("True", app.Status.Conditions!.Single(c => c.Type == "Ready").Status);
            Assert.Null(await RestartedAtAsync(WorkloadKinds.StatefulSet, "db"));
            return "not restarted";
        });

        await StopOperatorAsync();
        ThrowIfDenied("the operator stops");
    }

    public async ValueTask DisposeAsync()
    {
        await StopOperatorAsync();
        admin.Dispose();
        await server.DisposeAsync();
    }

    private static V1Alpha1Application Application(string name, Action<V1Alpha1ApplicationSpec>? configure = null)
    {
        var app = new V1Alpha1Application { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Namespace }, Spec = new V1Alpha1ApplicationSpec() };
        configure?.Invoke(app.Spec);
        return app;
    }

    private static V1Alpha1ApplicationKey Key(string name, string application, Action<V1Alpha1ApplicationKeySpec>? configure = null)
    {
        var key = new V1Alpha1ApplicationKey
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Namespace },
            Spec = new V1Alpha1ApplicationKeySpec { ApplicationRef = new V1Alpha1ApplicationReference { Name = application } },
        };
        configure?.Invoke(key.Spec);
        return key;
    }

    private static V1Condition? Ready(V1Alpha1ApplicationKey key) => key.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");

    private static bool IsReady(V1Alpha1ApplicationKey key, long? revision) =>
        Ready(key) is { Status: "True" } ready && ready.ObservedGeneration == key.Metadata.Generation && (revision is null || key.Status?.Revision == revision);

    private static bool HasReason(V1Alpha1ApplicationKey key, string reason) =>
        Ready(key) is { Status: "False" } ready && ready.Reason == reason && ready.ObservedGeneration == key.Metadata.Generation;

    private static Task<T> PatchAnnotationAsync<T>(IResourceClient<T> client, string name, string annotation, string value)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        client.PatchAsync(name, Namespace, new ResourcePatch($"{{\"metadata\":{{\"annotations\":{{\"{annotation}\":\"{value}\"}}}}}}", ResourcePatchType.MergePatch));

    private async Task Step<T>(string name, TimeSpan timeout, Func<Task<T>> run)
    {
        ThrowIfDenied(name);
        try
        {
            await run().WaitAsync(timeout * 4);
        }
        catch (Exception e) when (e is not OperatorDeniedException && OperatorDenials.Count > 0)
        {
            // A call of the test failed because the operator could not do its part (e.g. no Secret to read).
            ThrowIfDenied(name);
        }

        ThrowIfDenied(name);
        steps.Add(name);
    }

    private void ThrowIfDenied(string step)
    {
        if (OperatorDenials is [var first, ..])
        {
            throw new OperatorDeniedException(first, step);
        }
    }

    /// <summary>Polls until <paramref name="done"/>; gives up at once when the operator has been denied anything.</summary>
    private async Task<T> WaitAsync<T>(Func<Task<T?>> probe, Func<T?, bool> done, string what, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            ThrowIfDenied(what);
            T? value;
            try
            {
                value = await probe();
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
            {
                value = default;
            }

            if (done(value))
            {
                return value!;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds} s waiting for {what} (no request of the operator was denied)");
            }

            await Task.Delay(50);
        }
    }

    private Task<V1Alpha1ApplicationKey> WaitKeyAsync(string name, Func<V1Alpha1ApplicationKey, bool> done, string what, TimeSpan timeout) =>
        WaitAsync(() => Keys.GetAsync(name, Namespace), k => k is not null && done(k), $"ApplicationKey {name} {what}", timeout);

    private Task<V1Alpha1Application> WaitApplicationReadyAsync(string name, TimeSpan timeout) =>
        WaitAsync(
            () => Applications.GetAsync(name, Namespace),
            a => a?.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True" && c.ObservedGeneration == a.Metadata.Generation) == true,
            $"Application {name} Ready",
            timeout);

    private Task<Corev1Event> WaitEventAsync(string regarding, string reason, int count, TimeSpan timeout) =>
        WaitAsync(
            async () => (await Events.ListAsync(Namespace)).Items.FirstOrDefault(e => e.InvolvedObject?.Name == regarding && e.Reason == reason),
            e => e?.Count >= count,
            $"Event {reason} on {regarding} counted {count} times",
            timeout);

    private async Task StartOperatorAsync(string identity)
    {
        var options = new OperatorOptions
        {
            Namespace = OperatorNamespace,
            HttpPort = 0,
            HttpAddress = "127.0.0.1",
            LeaderElect = true,
            Identity = identity,
            Issuer = "https://issuer.test",
            Audiences = ["https://api.test"],
            WatchNamespaces = [.. watchNamespaces],
        };
        operatorApp = OperatorHost.Build(
            options,
            operatorConfig,
            services =>
            {
                services.AddSingleton(new RuntimeMetrics(Prometheus.Metrics.NewCustomRegistry()));
                services.Configure<ControllerRuntimeOptions>(runtime =>
                {
                    runtime.LeaderElection.LeaseDuration = TimeSpan.FromSeconds(5);
                    runtime.LeaderElection.RenewDeadline = TimeSpan.FromSeconds(4);
                    runtime.LeaderElection.RetryPeriod = TimeSpan.FromMilliseconds(200);
                    runtime.ShutdownTimeout = TimeSpan.FromSeconds(2);
                });
            },
            logging =>
            {
                logging.ClearProviders();
                logging.AddProvider(logs);
                logging.SetMinimumLevel(LogLevel.Debug);
            });
        await operatorApp.StartAsync();
    }

    private async Task StopOperatorAsync()
    {
        if (operatorApp is { } app)
        {
            operatorApp = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
