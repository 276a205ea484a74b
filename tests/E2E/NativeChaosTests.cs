using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using AppKeys.E2E.Tests.Support;
using AppKeys.LocalApiServer;
using AppKeys.LocalApiServer.Authorization;
using AppKeys.LocalApiServer.Faults;
using AppKeys.Operator.Apis;
using AppKeys.Operator.Dev;
using AppKeys.Operator.KeyManager;
using AppKeys.Operator.Signing;
using AppKeys.Operator.Testing.Chaos;
using AppKeys.Runtime.Client;
using k8s;
using k8s.Models;
using Microsoft.IdentityModel.Tokens;
using Xunit.Abstractions;
using ApplicationPlan = AppKeys.Operator.Testing.Chaos.ApplicationPlan;
using KeyPlan = AppKeys.Operator.Testing.Chaos.KeyPlan;

namespace AppKeys.E2E.Tests;

/// <summary>
/// Issue #16: the chaos and secret-hygiene checks against the Native AOT executable the image ships. The operator
/// Deployment of <c>config/default</c> (installed with <c>kubectl apply -k</c>, RBAC enforced) is played by separate
/// processes of <c>publish/appkeys-operator</c>, two replicas with leader election on; the local API server in this
/// process injects the JIT chaos run's faults (<see cref="ChaosFaults"/>). Under them: a few dozen JWT and opaque keys
/// of both key types, the JIT run's spec changes and a consumer-secret regeneration, the leader SIGKILLed twice (each
/// time a new process replaces it) and the API server restarted once from its data directory, while clients of the
/// token, introspection and revocation endpoints ask every live replica; a signing-key rotation requested at the
/// start of the changes completes during them (the shortest pre-publish window the flag allows, 1 minute) and re-mints
/// the never-expiring JWTs. Then: every key Ready at exactly the revision its changes and the rotation call for, its token verifying (JWT against the JWKS, opaque by fingerprint, both active on introspection
/// at every replica), identities unchanged, consumer keys unique, 0 wrong endpoint answers, 0 denials, and no secret
/// value in the processes' stdout/stderr, Events, statuses or <c>/metrics</c>. No clock jumps (a process's clock is
/// the real one): renewals by time stay with the JIT run.
/// </summary>
[Collection(NativeChaosCollection.Name)]
public sealed class NativeChaosTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Namespaces = 2;
    private const int KeyCount = 40;
    private const string OperatorNamespace = ChaosWorld.OperatorNamespace;
    private const string LeaseName = "appkeys-operator-leader";
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(120);

    /// <summary>
    /// The processes log at Trace, as the JIT chaos run captures its replicas (deployed, they log at Information):
    /// the hygiene scan then covers every line the executable can write.
    /// </summary>
    private static readonly Dictionary<string, string> TraceLogging = new() { ["Logging__LogLevel__Default"] = "Trace" };

    /// <summary>The next signing key, published from the start, may sign a minute later (the flag's minimum; default 1 h).</summary>
    private static readonly Dictionary<string, string> Flags = new() { ["--signing-key-prepublish"] = "1m" };

    private readonly List<NativeOperatorReplica> replicas = [];
    private readonly List<NativeOperatorReplica> gone = [];
    private readonly Lock replicaGate = new();
    private readonly SecretValueCollector seen = new();
    private readonly CancellationTokenSource stop = new();
    private readonly CancellationTokenSource stopWatchChaos = new();
    private readonly HttpClient metricsHttp = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly DirectoryInfo dataDirectory = Directory.CreateTempSubdirectory("appkeys-native-chaos-");
    private LocalKubernetesApiServer server = null!;
    private Kubectl kubectl = null!;
    private Kubernetes client = null!;
    private ResourceClient<V1Alpha1Application> applications = null!;
    private ResourceClient<V1Alpha1ApplicationKey> keys = null!;
    private ResourceClient<V1Secret> secrets = null!;
    private ChaosKeys chaosKeys = null!;
    private JsonNode deployment = null!;
    private string issuer = "";
    private Task? supervisor;
    private Task? scraper;
    private Task? watchChaos;
    private Task? secretWatch;
    private int started;
    private int selfExits;

    public async Task InitializeAsync()
    {
        // Fails (never skips) without `make publish`: the image ships this file, and `make test` publishes it first.
        DeployedOperatorProcess.NativeExecutable();
        server = await LocalKubernetesApiServer.StartAsync(new LocalApiServerOptions
        {
            FaultSeed = 20261207,
            DataDirectory = Path.Combine(dataDirectory.FullName, "apiserver"),
            Authorization = AuthorizationMode.Rbac,
            OwnerReferencesPermissionEnforcement = true,
        });
        kubectl = new Kubectl(server.WriteKubeconfig(Path.Combine(dataDirectory.FullName, "kubeconfig")));
        output.WriteLine((await kubectl.RunAsync(["apply", "--server-side", "-k", RepositoryRoot.Combine("config", "default")], timeout: TimeSpan.FromMinutes(2))).EnsureSuccess().StdOut);
        var list = JsonNode.Parse((await kubectl.RunAsync("get", "deployments", "-n", OperatorNamespace, "-l", "app.kubernetes.io/name=appkeys-operator", "-o", "json")).EnsureSuccess().StdOut)!;
        deployment = Assert.Single(list["items"]!.AsArray())!;
        var env = deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray();
        issuer = (string)env.Single(e => (string?)e!["name"] == "APPKEYS_ISSUER")!["value"]!;

        client = new Kubernetes(await Kubeconfigs.ConfigAsync(server.KubeconfigYaml));
        var transport = new KubernetesTransport(client);
        applications = new ResourceClient<V1Alpha1Application>(transport);
        keys = new ResourceClient<V1Alpha1ApplicationKey>(transport);
        secrets = new ResourceClient<V1Secret>(transport);
        chaosKeys = new ChaosKeys(keys, SettleTimeout);
        for (var n = 0; n < Namespaces; n++)
        {
            await ManifestInstaller.EnsureNamespaceAsync(client, $"chaos-{n}", stop.Token);
        }

        // The gateway introspects the endpoint clients' tokens and every key's token: bound in all namespaces.
        await ManifestInstaller.EnsureNamespaceAsync(client, ChaosWorld.ClientNamespace, stop.Token);
        await ManifestInstaller.ApplyAsync(client, [JsonNode.Parse($$"""
            {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding",
             "metadata":{"name":"chaos-gateway"},
             "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"appkeys-token-introspector"},
             "subjects":[{"kind":"User","apiGroup":"rbac.authorization.k8s.io","name":"{{ChaosWorld.Gateway}}"}]}
            """)!.AsObject()], null, stop.Token);

        // Every version of every managed Secret the test can see (the operator's own Secrets included), for the scan.
        secretWatch = ChaosSetup.WatchManagedSecretsAsync(secrets, seen, stop.Token);
    }

    public async Task DisposeAsync()
    {
        await stop.CancelAsync();
        await stopWatchChaos.CancelAsync();
        foreach (var task in new[] { supervisor, scraper, watchChaos, secretWatch })
        {
            if (task is not null)
            {
                try
                {
                    await task;
                }
                catch (OperationCanceledException)
                {
                }
            }
        }

        foreach (var replica in replicas.Concat(gone))
        {
            await replica.DisposeAsync();
        }

        client?.Dispose();
        kubectl?.Dispose();
        if (server is not null)
        {
            await server.DisposeAsync();
        }

        metricsHttp.Dispose();
        dataDirectory.Delete(recursive: true);
        stop.Dispose();
        stopWatchChaos.Dispose();
    }

    [Fact]
    public async Task Native_replicas_keep_every_key_valid_and_leak_nothing_through_faults_leader_kills_and_an_api_server_restart()
    {
        var watch = Stopwatch.StartNew();
        var apps = ChaosWorld.Applications(Namespaces);
        var plans = ChaosWorld.Keys(apps, Namespaces, KeyCount);
        try
        {
            await RunAsync(apps, plans, watch);
        }
        catch
        {
            foreach (var replica in replicas.Concat(gone))
            {
                var lines = replica.Process.Output.Split('\n');
                output.WriteLine($"--- last lines of {replica.Identity} ({(replica.IsKilled ? "killed" : replica.Process.HasExited ? "exited" : "running")}) ---");
                output.WriteLine(string.Join('\n', lines.TakeLast(60)));
            }

            throw;
        }
    }

    private async Task RunAsync(IReadOnlyList<ApplicationPlan> apps, IReadOnlyList<KeyPlan> plans, Stopwatch watch)
    {
        ChaosFaults.Inject(server.Faults);
        StartReplica();
        StartReplica();
        supervisor = Task.Run(SuperviseAsync);
        scraper = Task.Run(ScrapeAsync);
        watchChaos = Task.Run(() => ChaosFaults.BreakWatchesAsync(server.Faults, stopWatchChaos.Token));
        var firstLeader = await WaitLeaderAsync();
        Log($"replicas started, {firstLeader.Identity} leads: {watch.Elapsed.TotalSeconds:F0} s");

        // Phase 1: everything is created while faults fly; the leader is SIGKILLed once a third of the keys are Ready.
        foreach (var app in apps)
        {
            await Resilient.CreateAsync(applications, ChaosWorld.NewApplication(app));
        }

        var (clients, clientLoop, stopClients) = await StartEndpointClientsAsync();
        await Parallel.ForEachAsync(plans, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (plan, _) => await Resilient.CreateAsync(keys, ChaosWorld.NewKey(plan)));
        await chaosKeys.WaitForAsync(plans, (p, k) => ChaosKeys.IsReady(k) && k.Status!.Revision >= 1, "a third of the keys Ready", minimum: KeyCount / 3);
        await KillLeaderAsync();
        var initial = await chaosKeys.SettleAsync(plans, _ => 1, "every key Ready with its first token");
        Log($"phase 1 (create, kill #1): {watch.Elapsed.TotalSeconds:F0} s");

        // What must not change unasked: consumer credentials and the Applications' identities.
        var appSecrets = await ReadApplicationSecretsAsync(apps);
        var identities = await ReadIdentitiesAsync(apps);

        // Phase 2: a signing-key rotation (appkeys.io/rotate) is requested: the next key signs once it has been published
        // for a minute, the old one retires (still published) and never-expiring JWTs are re-minted (SigningKeyRotated).
        // Meanwhile spec changes, renew requests and a consumer-secret regeneration; the leader is killed a third of the
        // way, the API server restarted (a full stop, 2 s of connection refused, reloaded from its data directory) at
        // two thirds.
        var initialSigningKey = await CurrentSigningKeyAsync();
        Assert.NotNull(initialSigningKey);
        await Resilient.CallAsync(
            () => secrets.PatchAsync(SigningKeySecret.SecretName, OperatorNamespace, ChaosWorld.MergePatch(new { metadata = new { annotations = new Dictionary<string, string> { [SigningKeySecret.RotateAnnotation] = "native-rotation" } } })),
            "request a signing-key rotation");
        var changes = ChaosWorld.Changes(plans, apps, keys, applications);
        for (var i = 0; i < changes.Count; i++)
        {
            await changes[i]();
            if (i == changes.Count / 3)
            {
                await KillLeaderAsync();
            }
            else if (i == changes.Count * 2 / 3)
            {
                await server.Faults.RestartAsync(TimeSpan.FromSeconds(2), RestartMode.Full);
                server.Faults.ExpireWatchWindow();
                Log("API server restarted");
            }
        }

        await chaosKeys.SettleAsync(plans, Final, "the spec changes handled and the rotation's re-mints");
        Log($"phase 2 (rotation, changes, kill #2, API server restart): {watch.Elapsed.TotalSeconds:F0} s; signing keys rotated: {initialSigningKey} retired, {await CurrentSigningKeyAsync()} signs");
        await stopClients.CancelAsync();
        await clientLoop;

        // Phase 3: faults off, every watch forced to re-list: a re-list with valid tokens must issue nothing.
        await stopWatchChaos.CancelAsync();
        await watchChaos;
        var faults = server.Faults.Counts;
        server.Faults.Clear();
        server.Faults.ExpireWatchWindow();
        server.Faults.CloseWatches(abrupt: true);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var final = await chaosKeys.SettleAsync(plans, Final, "the quiet period");
        await clients.FinalCheckAsync(stop.Token);
        stopClients.Dispose();
        Log($"phase 3 (quiet, re-list): {watch.Elapsed.TotalSeconds:F0} s");
        Log($"endpoints: {clients.Summary}");
        Assert.True(clients.Tokens >= 20 && clients.Introspections >= 40, $"too little endpoint traffic to judge: {clients.Summary}");
        Assert.True(clients.Wrong.Count == 0, $"{clients.Wrong.Count} wrong answers from the native key manager:\n{string.Join("\n", clients.Wrong.Take(20))}");

        await VerifyAsync(plans, apps, initial, final, appSecrets, identities, initialSigningKey, clients);
        await ReportAsync(plans, faults, watch.Elapsed);
    }

    /// <summary>Every key's final revision: its changes, plus one re-mint for a never-expiring JWT after the rotation.</summary>
    private static long Final(KeyPlan plan) =>
        plan.RevisionAfterChanges + (plan.NeverExpires && plan.Application.TokenType == TokenTypes.Jwt ? 1 : 0);

    private async Task<string?> CurrentSigningKeyAsync()
    {
        var secret = await Resilient.CallAsync(() => secrets.GetAsync(SigningKeySecret.SecretName, OperatorNamespace), "get signing keys");
        seen.Add(secret);
        return secret?.Data?.TryGetValue(SigningKeySecret.StateKey, out var state) == true ? SigningKeySecret.ParseState(state)?.Current?.KeyId : null;
    }

    private void StartReplica()
    {
        var identity = $"appkeys-operator-{(char)('a' + Interlocked.Increment(ref started) - 1)}";
        var replica = NativeOperatorReplica.Start(server, deployment, identity, Flags, TraceLogging);
        lock (replicaGate)
        {
            replicas.Add(replica);
        }
    }

    private IReadOnlyList<NativeOperatorReplica> Live()
    {
        lock (replicaGate)
        {
            return [.. replicas.Where(r => r.IsAnswering)];
        }
    }

    /// <summary>Plays the kubelet: a process that exited on its own (it lost the lease and stopped) is replaced.</summary>
    private async Task SuperviseAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            NativeOperatorReplica[] exited;
            lock (replicaGate)
            {
                exited = [.. replicas.Where(r => r.ExitedOnItsOwn)];
                foreach (var replica in exited)
                {
                    replicas.Remove(replica);
                    gone.Add(replica);
                }
            }

            foreach (var replica in exited)
            {
                Interlocked.Increment(ref selfExits);
                Log($"{replica.Identity} exited on its own; starting a replacement");
                StartReplica();
            }

            try
            {
                await Task.Delay(200, stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Reads every live replica's /metrics every second, so a replica's counts survive its end.</summary>
    private async Task ScrapeAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            foreach (var replica in Live())
            {
                await replica.ScrapeAsync(metricsHttp);
            }

            try
            {
                await Task.Delay(1000, stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<string?> LeaseHolderAsync()
    {
        var lease = await Resilient.CallAsync(() => new ResourceClient<V1Lease>(new KubernetesTransport(client)).GetAsync(LeaseName, OperatorNamespace), "get Lease");
        return lease?.Spec?.HolderIdentity;
    }

    /// <summary>The live replica the Lease names (not <paramref name="not"/>); a killed holder keeps it until it expires (15 s).</summary>
    private async Task<NativeOperatorReplica> WaitLeaderAsync(NativeOperatorReplica? not = null)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var holder = await LeaseHolderAsync();
            var leader = Live().FirstOrDefault(r => r != not && r.Identity == holder);
            if (leader is not null)
            {
                return leader;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No live replica held the Lease within 60 s (holder: {holder})");
            }

            await Task.Delay(250);
        }
    }

    /// <summary>SIGKILLs the leader (its Lease stays held until it expires) and starts a replacement process.</summary>
    private async Task KillLeaderAsync()
    {
        var leader = await WaitLeaderAsync();
        await leader.ScrapeAsync(metricsHttp);
        lock (replicaGate)
        {
            replicas.Remove(leader);
            gone.Add(leader);
        }

        leader.Kill();
        Log($"SIGKILLed leader {leader.Identity}");
        StartReplica();
        var next = await WaitLeaderAsync(leader);
        Log($"{next.Identity} took over");
    }

    /// <summary>Creates the endpoint clients' two Applications (JWT, Opaque) and starts <see cref="EndpointClients"/> on the live replicas.</summary>
    private async Task<(EndpointClients Clients, Task Loop, CancellationTokenSource Stop)> StartEndpointClientsAsync()
    {
        var credentials = await ChaosSetup.CreateClientApplicationsAsync(applications, secrets, seen, SettleTimeout);
        var clients = new EndpointClients(
            Live,
            await CaPemAsync(),
            null,
            (issuer, null),
            server.IssueToken(ChaosWorld.Gateway),
            credentials[0],
            credentials[1],
            seen);
        await clients.WaitServedAsync(SettleTimeout);
        var stopClients = new CancellationTokenSource();
        return (clients, Task.Run(() => clients.RunAsync(stopClients.Token)), stopClients);
    }

    private Task<string> CaPemAsync() =>
        ChaosSetup.OAuthCaPemAsync(new ResourceClient<V1ConfigMap>(new KubernetesTransport(client)), OperatorNamespace, SettleTimeout);

    private Task<Dictionary<string, IReadOnlyDictionary<string, string>>> ReadApplicationSecretsAsync(IReadOnlyList<ApplicationPlan> apps) =>
        ChaosSetup.ReadApplicationSecretsAsync(secrets, apps, seen);

    /// <summary>Each Application's identity as its status records it: the application id and the consumer key of each key type.</summary>
    private async Task<Dictionary<string, string>> ReadIdentitiesAsync(IReadOnlyList<ApplicationPlan> apps)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var app in apps)
        {
            var status = (await Resilient.CallAsync(() => applications.GetAsync(app.Name, app.Namespace), $"get {app}"))?.Status;
            Assert.True(status?.ApplicationId is { Length: > 0 } && status.Keys?.Count == app.KeyTypes.Count, $"Application {app} has no identity in its status");
            result[app.ToString()] = $"{status.ApplicationId} {string.Join(",", status.Keys!.OrderBy(k => k.KeyType, StringComparer.Ordinal).Select(k => $"{k.KeyType}={k.ConsumerKey}"))}";
        }

        return result;
    }

    private async Task VerifyAsync(
        IReadOnlyList<KeyPlan> plans,
        IReadOnlyList<ApplicationPlan> apps,
        Dictionary<string, V1Alpha1ApplicationKey> initial,
        Dictionary<string, V1Alpha1ApplicationKey> final,
        Dictionary<string, IReadOnlyDictionary<string, string>> appSecretsBefore,
        Dictionary<string, string> identitiesBefore,
        string initialSigningKey,
        EndpointClients clients)
    {
        var problems = new List<string>();

        // Exactly the one requested rotation: the initial key retired (still published), another one signs.
        var signing = await Resilient.CallAsync(() => secrets.GetAsync(SigningKeySecret.SecretName, OperatorNamespace), "get signing keys");
        var set = SigningKeySecret.ParseState(signing!.Data[SigningKeySecret.StateKey])!;
        if (set.Current?.KeyId == initialSigningKey || set.Find(initialSigningKey)?.State != SigningKeyState.Retired || set.Keys.Count(k => k.State == SigningKeyState.Retired) != 1)
        {
            problems.Add($"expected exactly one rotation away from {initialSigningKey}: {string.Join(", ", set.Keys.Select(k => $"{k.KeyId} {k.State}"))}");
        }

        // Identities and consumer credentials: unchanged, except the consumer secrets of the Application asked to regenerate them.
        var identities = await ReadIdentitiesAsync(apps);
        problems.AddRange(apps.Where(a => identities[a.ToString()] != identitiesBefore[a.ToString()]).Select(a => $"{a}: its identity changed ({identitiesBefore[a.ToString()]} → {identities[a.ToString()]})"));
        var appSecrets = await ReadApplicationSecretsAsync(apps);
        KeySecretInvariants.CheckConsumerCredentials(apps, appSecretsBefore, appSecrets, problems);

        // No two Applications (the endpoint clients' included) share a consumer key.
        var allApps = (await Resilient.CallAsync(() => applications.ListAsync(null), "list Applications")).Items;
        var duplicates = allApps.SelectMany(a => a.Status?.Keys ?? []).GroupBy(k => k.ConsumerKey, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, $"duplicate consumer keys: {string.Join(", ", duplicates)}");
        Assert.Equal(apps.Count + 2, allApps.Count);

        var jwks = await Resilient.CallAsync(() => new ResourceClient<V1ConfigMap>(new KubernetesTransport(client)).GetAsync(JwksPublisher.ConfigMapName, OperatorNamespace), "get JWKS");
        Assert.True(jwks?.Data?.ContainsKey(JwksPublisher.JwksKey) == true, "the JWKS ConfigMap is missing");
        var signingKeys = new JsonWebKeySet(jwks.Data[JwksPublisher.JwksKey]).GetSigningKeys();
        using var http = TrustingHttpClient.Create(await CaPemAsync());
        var introspector = server.IssueToken(ChaosWorld.Gateway);
        var live = Live();
        Assert.NotEmpty(live);
        var managed = 0;
        var introspected = 0;
        foreach (var plan in plans)
        {
            var id = plan.ToString();
            var key = final[id];
            var token = await KeySecretInvariants.CheckKeySecretAsync(
                plan,
                key,
                secrets,
                appSecrets,
                seen,
                statusHasConsumerKey: true,
                (keyPlan, consumerKey) => new TokenValidationParameters
                {
                    IssuerSigningKeys = signingKeys,
                    ValidIssuer = issuer,

                    // No --audience in config/default: the audience is the consumer key.
                    ValidAudience = consumerKey,

                    // The real clock: a token that expires must not have; one that never expires has no exp.
                    RequireExpirationTime = !keyPlan.NeverExpires,
                },
                now: null,
                problems);
            if (token is null)
            {
                continue;
            }

            managed++;

            // Every live replica's key manager knows the key's current token (JWT and opaque alike).
            foreach (var replica in live)
            {
                var active = await IntrospectAsync(http, replica, introspector, token);
                introspected++;
                if (active != true)
                {
                    problems.Add($"{id}: its token is {(active is null ? "not answered for" : "inactive")} on {replica.Identity}'s introspection");
                }
            }

            // No spurious re-issue: tokens nothing asked to renew are the very first ones.
            if (Final(plan) == 1 && key.Status!.TokenId != initial[id].Status!.TokenId)
            {
                problems.Add($"{id}: its token was replaced although nothing asked for it");
            }
        }

        Assert.Equal(KeyCount, (await chaosKeys.ListAsync()).Count);
        Assert.Equal(KeyCount, managed);
        Assert.True(problems.Count == 0, $"{problems.Count} problems:\n{string.Join("\n", problems.Take(30))}");
        Log($"verified: {managed} keys ({plans.Count(p => p.Application.TokenType == TokenTypes.Jwt)} JWT, {plans.Count(p => p.KeyType == KeyTypes.Sandbox)} Sandbox), {introspected} introspections of their tokens on {live.Count} live replicas");

        var leaks = await FindLeaksAsync(clients);
        Assert.True(leaks.Count == 0, string.Join("\n", leaks));
    }

    /// <summary>True/false as <paramref name="replica"/>'s introspection says; null when it does not answer 200 within 10 s.</summary>
    private static async Task<bool?> IntrospectAsync(HttpClient http, NativeOperatorReplica replica, string introspector, string token)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, replica.OAuthBase + KeyManagerEndpoints.IntrospectPath) { Content = new FormUrlEncodedContent([KeyValuePair.Create("token", token)]) };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", introspector);
                using var response = await http.SendAsync(request);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return (bool?)JsonNode.Parse(await response.Content.ReadAsStringAsync())?["active"];
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                return null;
            }

            await Task.Delay(250);
        }
    }

    /// <summary>
    /// Scans the processes' stdout and stderr, Events, ApplicationKeys and Applications (statuses included), the
    /// operator namespace's ConfigMaps (JWKS, CA) and every replica's <c>/metrics</c> for every secret value seen:
    /// the managed Secrets' versions the watch saw, the operator's own Secrets (signing keys, sealing keys, OAuth CA
    /// key) read now, and the endpoint clients' tokens.
    /// </summary>
    private async Task<IReadOnlyList<string>> FindLeaksAsync(EndpointClients clients)
    {
        foreach (var secret in (await Resilient.CallAsync(() => secrets.ListAsync(OperatorNamespace), "list the operator's Secrets")).Items)
        {
            seen.Add(secret);
        }

        foreach (var replica in Live())
        {
            Assert.True(await replica.ScrapeAsync(metricsHttp), $"{replica.Identity} did not serve /metrics");
        }

        var all = replicas.Concat(gone).ToList();
        var texts = new List<(string Where, string Text)>();
        texts.AddRange(all.Select(r => ($"the stdout/stderr of {r.Identity}", r.Process.Output)));
        texts.AddRange(all.Select(r => ($"the /metrics of {r.Identity}", r.Metrics)));
        var events = await Resilient.CallAsync(() => new ResourceClient<Corev1Event>(new KubernetesTransport(client)).ListAsync(null), "list Events");
        texts.AddRange(events.Items.Select(e => ("an Event", KubernetesJson.Serialize(e))));
        texts.AddRange((await Resilient.CallAsync(() => keys.ListAsync(null), "list ApplicationKeys")).Items.Select(k => ($"ApplicationKey {k.Metadata.NamespaceProperty}/{k.Metadata.Name}", KubernetesJson.Serialize(k))));
        texts.AddRange((await Resilient.CallAsync(() => applications.ListAsync(null), "list Applications")).Items.Select(a => ($"Application {a.Metadata.NamespaceProperty}/{a.Metadata.Name}", KubernetesJson.Serialize(a))));
        texts.AddRange((await Resilient.CallAsync(() => new ResourceClient<V1ConfigMap>(new KubernetesTransport(client)).ListAsync(OperatorNamespace), "list ConfigMaps")).Items.Select(c => ($"ConfigMap {c.Metadata.Name}", KubernetesJson.Serialize(c))));

        var logLines = all.Sum(r => r.Process.Output.Count(c => c == '\n'));
        Log($"secret hygiene: {seen.Count} secret values scanned for in {texts.Count} texts ({logLines} log lines of {all.Count} processes, {events.Items.Count} events, {all.Count(r => r.Metrics.Length > 0)} /metrics)");
        Assert.True(seen.Count >= KeyCount * 2 + clients.Tokens, $"only {seen.Count} secret values were captured");
        // Every process that served (a process that exited on its own, e.g. at start, is counted and replaced).
        Assert.All(all.Where(r => !r.ExitedOnItsOwn), r => Assert.True(r.Metrics.Contains("# TYPE", StringComparison.Ordinal), $"no /metrics were read from {r.Identity}"));
        Assert.True(logLines > 100, $"only {logLines} log lines were captured");
        // The level took: Debug lines (the operator's most verbose) are there.
        Assert.Contains(all, r => r.Process.Output.Contains("dbug:", StringComparison.Ordinal));
        return seen.FindIn(texts);
    }

    private async Task ReportAsync(IReadOnlyList<KeyPlan> plans, IReadOnlyDictionary<FaultKind, long> faults, TimeSpan elapsed)
    {
        var lease = await Resilient.CallAsync(() => new ResourceClient<V1Lease>(new KubernetesTransport(client)).GetAsync(LeaseName, OperatorNamespace), "get Lease");
        var all = replicas.Concat(gone).ToList();
        static bool IsWrite(string line) => line.Contains("code=\"2", StringComparison.Ordinal)
            && (line.Contains("\"POST\"", StringComparison.Ordinal) || line.Contains("\"PUT\"", StringComparison.Ordinal) || line.Contains("\"PATCH\"", StringComparison.Ordinal) || line.Contains("\"DELETE\"", StringComparison.Ordinal));
        var issuances = all.Sum(r => r.Sum("appkeys_token_issuances_total"));
        var reconciles = all.Sum(r => r.Sum("controller_runtime_reconcile_total"));
        var writes = all.Sum(r => r.Sum("rest_client_requests_total", IsWrite));
        var expectedIssuances = plans.Sum(Final);
        var users = all.Select(r => r.Process.ServiceAccountUser).ToHashSet(StringComparer.Ordinal);
        var denials = server.Denials.Denied.Where(d => users.Contains(d.User)).ToList();
        Log($"native chaos: {plans.Count} keys ({plans.Count(p => p.Application.TokenType == TokenTypes.Jwt)} JWT) in {plans.Select(p => p.Application).Distinct().Count()} Applications over {Namespaces} namespaces");
        Log($"native chaos: faults injected {faults.Values.Sum()}: {string.Join(", ", faults.Select(f => $"{f.Key} {f.Value}"))}");
        Log($"native chaos: signing-key rotations 1 ({plans.Count(p => Final(p) > p.RevisionAfterChanges)} never-expiring JWTs re-minted), leader SIGKILLs 2, lease transitions {lease?.Spec?.LeaseTransitions}, processes started {started}, exited on their own {selfExits}, API server restarts 1");
        Log($"native chaos: tokens issued {issuances} (expected {expectedIssuances}), reconciles {reconciles}, successful writes {writes} (leases included), requests denied {denials.Count}, in {elapsed.TotalSeconds:F0} s");
        // The metric counts issuances whose write was answered, read at most a second before a process ended.
        Assert.True(issuances <= expectedIssuances, $"the replicas counted {issuances} issuances, more than the {expectedIssuances} asked for");
        Assert.True(denials.Count == 0, "requests denied under config/default's RBAC: " + string.Join("; ", denials.Take(5)));
        Assert.True(lease?.Spec?.LeaseTransitions >= 2, $"expected at least 2 lease transitions, saw {lease?.Spec?.LeaseTransitions}");
    }

    private void Log(string line) => output.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {line}");
}
