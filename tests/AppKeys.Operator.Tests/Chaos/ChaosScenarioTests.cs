using System.Diagnostics;
using System.Globalization;
using System.Net;
using AppKeys.LocalApiServer;
using AppKeys.LocalApiServer.Authorization;
using AppKeys.LocalApiServer.Faults;
using AppKeys.Operator.Apis;
using AppKeys.Operator.Dev;
using AppKeys.Operator.Signing;
using AppKeys.Operator.Testing.Chaos;
using AppKeys.Operator.Tests.LeastPrivilege;
using AppKeys.Operator.Tests.TestSupport;
using AppKeys.Runtime.Client;
using k8s;
using k8s.Models;
using Microsoft.IdentityModel.Tokens;
using Xunit.Abstractions;
using ApplicationPlan = AppKeys.Operator.Testing.Chaos.ApplicationPlan;
using KeyPlan = AppKeys.Operator.Testing.Chaos.KeyPlan;

namespace AppKeys.Operator.Tests.Chaos;

/// <summary>
/// Issue #7's chaos scenario: 500 ApplicationKeys in 12 Applications over 4 namespaces, two operator replicas with
/// leader election, API server faults on every kind of request, the leader killed three times (cut off without a
/// graceful stop, replaced by a new replica), and the API server restarted once (stopped, then started again from its data directory) while tokens are being renewed.
/// Token lifetimes are reached by jumping the operators' clock; every key's final revision is known in advance, so a
/// lost, late or spurious issuance fails the test, and so does a consumer secret changed unasked or a leaked value.
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed class ChaosScenarioTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Namespaces = 4;
    private const int KeyCount = 500;
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(150);

    private readonly CapturingLoggerProvider logs = new();
    private readonly TickingClock clock = new();
    private readonly List<OperatorReplica> replicas = [];
    private readonly List<OperatorReplica> gone = [];
    private readonly Lock replicaGate = new();
    private readonly SecretValueCollector seen = new();
    private readonly CancellationTokenSource stop = new();
    private readonly CancellationTokenSource stopWatchChaos = new();
    private readonly DirectoryInfo dataDirectory = Directory.CreateTempSubdirectory("appkeys-chaos-");
    private LocalKubernetesApiServer server = null!;
    private Kubernetes client = null!;
    private ResourceClient<V1Alpha1Application> applications = null!;
    private ResourceClient<V1Alpha1ApplicationKey> keys = null!;
    private ResourceClient<V1Secret> secrets = null!;
    private ChaosKeys chaosKeys = null!;
    private Task? supervisor;
    private Task? watchChaos;
    private Task? secretWatch;
    private int started;
    private int selfRestarts;
    private string operatorToken = "";

    public async Task InitializeAsync()
    {
        // The replicas run as the operator's ServiceAccount under config/rbac, with RBAC and OwnerReferencesPermissionEnforcement on.
        server = await LocalKubernetesApiServer.StartAsync(new LocalApiServerOptions
        {
            FaultSeed = 20261124,
            DataDirectory = dataDirectory.FullName,
            Authorization = AuthorizationMode.Rbac,
            OwnerReferencesPermissionEnforcement = true,
        });
        client = new Kubernetes(await Kubeconfigs.ConfigAsync(server.KubeconfigYaml));

        var transport = new KubernetesTransport(client);
        applications = new ResourceClient<V1Alpha1Application>(transport);
        keys = new ResourceClient<V1Alpha1ApplicationKey>(transport);
        secrets = new ResourceClient<V1Secret>(transport);
        chaosKeys = new ChaosKeys(keys, SettleTimeout);
        await ManifestInstaller.InstallCrdsAsync(client, RepositoryRoot.Combine("config", "crd", "bases"), stop.Token);
        await ManifestInstaller.EnsureNamespaceAsync(client, ChaosWorld.OperatorNamespace, stop.Token);
        await ManifestInstaller.ApplyRbacAsync(client, OperatorRbac.Load().Objects, stop.Token);
        operatorToken = server.IssueToken(OperatorRbac.User);
        for (var n = 0; n < Namespaces; n++)
        {
            await ManifestInstaller.EnsureNamespaceAsync(client, $"chaos-{n}", stop.Token);
        }

        await ManifestInstaller.EnsureNamespaceAsync(client, ChaosWorld.ClientNamespace, stop.Token);
        await ManifestInstaller.ApplyAsync(client, [System.Text.Json.Nodes.JsonNode.Parse($$"""
            {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding",
             "metadata":{"name":"chaos-gateway","namespace":"{{ChaosWorld.ClientNamespace}}"},
             "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"appkeys-token-introspector"},
             "subjects":[{"kind":"User","apiGroup":"rbac.authorization.k8s.io","name":"{{ChaosWorld.Gateway}}"}]}
            """)!.AsObject()], null, stop.Token);

        // Every version of every managed Secret the test can see, for the secret-hygiene scan.
        secretWatch = ChaosSetup.WatchManagedSecretsAsync(secrets, seen, stop.Token);
    }

    public async Task DisposeAsync()
    {
        await stop.CancelAsync();
        foreach (var task in new[] { supervisor, watchChaos, secretWatch })
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

        client.Dispose();
        await server.DisposeAsync();
        await clock.DisposeAsync();
        dataDirectory.Delete(recursive: true);
        stop.Dispose();
        stopWatchChaos.Dispose();
    }

    [Fact]
    public async Task Operator_keeps_every_key_valid_through_faults_leader_kills_and_an_api_server_restart()
    {
        var watch = Stopwatch.StartNew();
        var apps = ChaosWorld.Applications(Namespaces);
        var plans = ChaosWorld.Keys(apps, Namespaces, KeyCount);
        ChaosFaults.Inject(server.Faults);

        await StartReplicaAsync();
        await StartReplicaAsync();
        supervisor = Task.Run(SuperviseAsync);
        watchChaos = Task.Run(() => ChaosFaults.BreakWatchesAsync(server.Faults, stopWatchChaos.Token));

        // Phase 1: everything is created while faults fly; the leader is killed once a third of the keys are Ready.
        foreach (var app in apps)
        {
            await Resilient.CreateAsync(applications, ChaosWorld.NewApplication(app));
        }

        // Clients of the token and introspection endpoints, on every replica, for the whole run (phases 1-4).
        var endpointClients = await StartEndpointClientsAsync();

        await Parallel.ForEachAsync(plans, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (plan, _) => await Resilient.CreateAsync(keys, ChaosWorld.NewKey(plan)));
        await chaosKeys.WaitForAsync(plans, (p, k) => ChaosKeys.IsReady(k) && k.Status!.Revision >= 1, "a third of the keys Ready", minimum: KeyCount / 3);
        await KillLeaderAsync();
        var initial = await chaosKeys.SettleAsync(plans, _ => 1, "every key Ready with its first token");
        Log($"phase 1 (create, kill #1): {watch.Elapsed.TotalSeconds:F0} s");

        // What must not change unasked: consumer credentials, and tokens nothing calls to renew.
        var appSecrets = await ReadApplicationSecretsAsync(apps);

        // Phase 2: spec changes, renew requests and a consumer-secret regeneration; the leader is killed halfway.
        var changes = ChaosWorld.Changes(plans, apps, keys, applications);
        for (var i = 0; i < changes.Count; i++)
        {
            await changes[i]();
            if (i == changes.Count / 2)
            {
                await KillLeaderAsync();
            }
        }

        var changed = await chaosKeys.SettleAsync(plans, p => p.RevisionAfterChanges, "the spec changes handled");
        var initialSigningKey = await CurrentSigningKeyAsync();
        Log($"phase 2 (spec changes, kill #2): {watch.Elapsed.TotalSeconds:F0} s");

        // Phase 3: the clock jumps past every short-lived key's renewal time; the API server restarts mid-renewal.
        var jump1 = clock.Now + ChaosWorld.Jump;
        clock.Jump(ChaosWorld.Jump);
        await chaosKeys.WaitForAsync(plans, (p, k) => !p.ShortLived || k.Status?.Revision >= p.RevisionAfterJumps(1), "a third of the renewals", minimum: KeyCount / 3);
        // A full restart: the server process stops (connections refused for 2 s) and a new one loads the data directory.
        await server.Faults.RestartAsync(TimeSpan.FromSeconds(2), RestartMode.Full);
        server.Faults.ExpireWatchWindow();
        var renewed = await chaosKeys.SettleAsync(plans, p => p.RevisionAfterJumps(1), "the first renewals after the API server restart");
        Log($"phase 3 (jump, API server restart): {watch.Elapsed.TotalSeconds:F0} s");

        // A signing-key rotation (appkeys.io/rotate): the next key, published for longer than the pre-publish window by
        // now, signs; the old one retires (still published) and never-expiring JWTs are re-minted (SigningKeyRotated).
        await Resilient.CallAsync(
            () => secrets.PatchAsync(SigningKeySecret.SecretName, ChaosWorld.OperatorNamespace, ChaosWorld.MergePatch(new { metadata = new { annotations = new Dictionary<string, string> { [SigningKeySecret.RotateAnnotation] = "chaos-rotation" } } })),
            "request a signing-key rotation");
        await Eventually.GetAsync(async () => await CurrentSigningKeyAsync(), kid => kid != initialSigningKey, "the rotation: a new current signing key", SettleTimeout);
        Log($"signing keys rotated: {initialSigningKey} retired, {await CurrentSigningKeyAsync()} signs");

        // Phase 4: a second jump; the leader is killed while renewing.
        var jump2 = clock.Now + ChaosWorld.Jump;
        clock.Jump(ChaosWorld.Jump);
        await chaosKeys.WaitForAsync(plans, (p, k) => !p.ShortLived || k.Status?.Revision >= p.RevisionAfterJumps(2), "a third of the second renewals", minimum: KeyCount / 3);
        await KillLeaderAsync();
        await chaosKeys.SettleAsync(plans, Final, "the second renewals and the re-mints after kill #3");
        Log($"phase 4 (jump, rotation, kill #3): {watch.Elapsed.TotalSeconds:F0} s");
        var (clients, clientLoop, stopClients) = endpointClients;
        await stopClients.CancelAsync();
        await clientLoop;

        // Phase 5: faults off, every watch forced to re-list: a re-list with valid tokens must issue nothing.
        await stopWatchChaos.CancelAsync();
        await watchChaos;
        var faults = server.Faults.Counts;
        server.Faults.Clear();
        server.Faults.ExpireWatchWindow();
        server.Faults.CloseWatches(abrupt: true);
        await Task.Delay(TimeSpan.FromSeconds(5));
        var final = await chaosKeys.SettleAsync(plans, Final, "the quiet period");
        await clients.FinalCheckAsync(stop.Token);
        stopClients.Dispose();
        Log($"endpoints: {clients.Summary}");
        Assert.True(clients.Tokens >= 100 && clients.Introspections >= 200, $"too little endpoint traffic to judge: {clients.Summary}");
        Assert.True(clients.Wrong.Count == 0, $"{clients.Wrong.Count} wrong answers from the key manager:\n{string.Join("\n", clients.Wrong.Take(20))}");

        await VerifyAsync(plans, apps, initial, changed, renewed, final, jump1, jump2, appSecrets, initialSigningKey);
        await ReportAsync(plans, faults, watch.Elapsed);
    }

    /// <summary>Every key's final revision: its renewals, plus one re-mint for a never-expiring JWT after the rotation.</summary>
    private static long Final(KeyPlan plan) =>
        plan.RevisionAfterJumps(2) + (plan.NeverExpires && plan.Application.TokenType == TokenTypes.Jwt ? 1 : 0);

    private async Task<string?> CurrentSigningKeyAsync()
    {
        var secret = await Resilient.CallAsync(() => secrets.GetAsync(SigningKeySecret.SecretName, ChaosWorld.OperatorNamespace), "get signing keys");
        seen.Add(secret);
        return secret?.Data?.TryGetValue(SigningKeySecret.StateKey, out var state) == true ? SigningKeySecret.ParseState(state)?.Current?.KeyId : null;
    }

    /// <summary>Creates the endpoint clients' two Applications (JWT, Opaque) and starts <see cref="EndpointClients"/> on the live replicas.</summary>
    private async Task<(EndpointClients Clients, Task Loop, CancellationTokenSource Stop)> StartEndpointClientsAsync()
    {
        var credentials = await ChaosSetup.CreateClientApplicationsAsync(applications, secrets, seen, SettleTimeout);
        var ca = await ChaosSetup.OAuthCaPemAsync(new ResourceClient<V1ConfigMap>(new KubernetesTransport(client)), ChaosWorld.OperatorNamespace, SettleTimeout);
        var clients = new EndpointClients(
            () =>
            {
                lock (replicaGate)
                {
                    return [.. replicas.Where(r => !r.IsKilled && !r.StoppedItself)];
                }
            },
            ca,
            () => clock.Now,
            (ChaosWorld.Issuer, ChaosWorld.Audience),
            server.IssueToken(ChaosWorld.Gateway),
            credentials[0],
            credentials[1],
            seen);
        await clients.WaitServedAsync(SettleTimeout);
        var stopClients = new CancellationTokenSource();
        return (clients, Task.Run(() => clients.RunAsync(stopClients.Token)), stopClients);
    }

    private async Task StartReplicaAsync()
    {
        var identity = $"replica-{(char)('a' + Interlocked.Increment(ref started) - 1)}";
        var replica = await OperatorReplica.StartAsync(
            identity,
            new IPEndPoint(IPAddress.Loopback, server.BaseAddress.Port),
            server.KubeconfigYaml,
            operatorToken,
            clock.Time,
            logs,
            o =>
            {
                o.Workers = 4;
                o.Qps = 200;
                o.Burst = 400;
            });
        lock (replicaGate)
        {
            replicas.Add(replica);
        }
    }

    /// <summary>Plays the kubelet: a replica that exited on its own (it lost the lease) is replaced.</summary>
    private async Task SuperviseAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            OperatorReplica[] exited;
            lock (replicaGate)
            {
                exited = [.. replicas.Where(r => r.StoppedItself)];
                foreach (var replica in exited)
                {
                    replicas.Remove(replica);
                    gone.Add(replica);
                }
            }

            foreach (var replica in exited)
            {
                Interlocked.Increment(ref selfRestarts);
                Log($"{replica.Identity} exited on its own; starting a replacement");
                await StartReplicaAsync();
            }

            await Task.Delay(200, stop.Token);
        }
    }

    private async Task<OperatorReplica> WaitLeaderAsync(OperatorReplica? not = null)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            OperatorReplica? leader;
            lock (replicaGate)
            {
                leader = replicas.FirstOrDefault(r => r != not && !r.IsKilled && r.Elector.IsLeader);
            }

            if (leader is not null)
            {
                return leader;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("No replica became leader within 60 s");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Kills the leader without a graceful stop (its lease stays held until it expires) and starts a replacement.</summary>
    private async Task KillLeaderAsync()
    {
        var leader = await WaitLeaderAsync();
        lock (replicaGate)
        {
            replicas.Remove(leader);
            gone.Add(leader);
        }

        leader.Kill();
        Log($"killed leader {leader.Identity}");
        await StartReplicaAsync();
        var next = await WaitLeaderAsync(leader);
        Log($"{next.Identity} took over");
    }

    private Task<Dictionary<string, IReadOnlyDictionary<string, string>>> ReadApplicationSecretsAsync(IReadOnlyList<ApplicationPlan> apps) =>
        ChaosSetup.ReadApplicationSecretsAsync(secrets, apps, seen);

    private async Task VerifyAsync(
        IReadOnlyList<KeyPlan> plans,
        IReadOnlyList<ApplicationPlan> apps,
        Dictionary<string, V1Alpha1ApplicationKey> initial,
        Dictionary<string, V1Alpha1ApplicationKey> changed,
        Dictionary<string, V1Alpha1ApplicationKey> renewed,
        Dictionary<string, V1Alpha1ApplicationKey> final,
        DateTimeOffset jump1,
        DateTimeOffset jump2,
        Dictionary<string, IReadOnlyDictionary<string, string>> appSecretsBefore,
        string? initialSigningKey)
    {
        var problems = new List<string>();

        // Consumer credentials: unchanged, except the consumer secrets of the Application asked to regenerate them.
        var appSecrets = await ReadApplicationSecretsAsync(apps);
        KeySecretInvariants.CheckConsumerCredentials(apps, appSecretsBefore, appSecrets, problems);

        // Exactly the one requested rotation: the initial key retired (still published), another one signs.
        var signing = await Resilient.CallAsync(() => secrets.GetAsync(SigningKeySecret.SecretName, ChaosWorld.OperatorNamespace), "get signing keys");
        var set = SigningKeySecret.ParseState(signing!.Data[SigningKeySecret.StateKey])!;
        if (initialSigningKey is null || set.Current?.KeyId == initialSigningKey || set.Find(initialSigningKey)?.State != SigningKeyState.Retired
            || set.Keys.Count(k => k.State == SigningKeyState.Retired) != 1)
        {
            problems.Add($"expected exactly one rotation away from {initialSigningKey}: {string.Join(", ", set.Keys.Select(k => $"{k.KeyId} {k.State}"))}");
        }

        var jwks = await Resilient.CallAsync(() => new ResourceClient<V1ConfigMap>(new KubernetesTransport(client)).GetAsync(JwksPublisher.ConfigMapName, ChaosWorld.OperatorNamespace), "get JWKS");
        Assert.True(jwks?.Data?.ContainsKey(JwksPublisher.JwksKey) == true, "the JWKS ConfigMap is missing");
        var signingKeys = new JsonWebKeySet(jwks.Data[JwksPublisher.JwksKey]).GetSigningKeys();
        var now = clock.Now;
        var managed = 0;
        foreach (var plan in plans)
        {
            var id = plan.ToString();
            var key = final[id];
            var status = key.Status!;
            var token = await KeySecretInvariants.CheckKeySecretAsync(
                plan,
                key,
                secrets,
                appSecrets,
                seen,
                statusHasConsumerKey: false,
                (_, _) => new TokenValidationParameters
                {
                    IssuerSigningKeys = signingKeys,
                    ValidIssuer = ChaosWorld.Issuer,
                    ValidAudience = ChaosWorld.Audience,

                    // Lifetime is checked against the operators' (jumped) clock, now.
                    ValidateLifetime = false,
                },
                now,
                problems);
            if (token is null)
            {
                continue;
            }

            managed++;

            // No spurious re-issue: tokens nothing asked to renew are the very first ones.
            if (Final(plan) == 1 && status.TokenId != initial[id].Status!.TokenId)
            {
                problems.Add($"{id}: its token was replaced although nothing asked for it");
            }

            if (plan.ShortLived && (changed[id].Status!.IssuedAt >= jump1.UtcDateTime || renewed[id].Status!.IssuedAt < jump1.UtcDateTime.AddSeconds(-1) || status.IssuedAt < jump2.UtcDateTime.AddSeconds(-1)))
            {
                problems.Add($"{id}: renewed at the wrong time (issued {changed[id].Status!.IssuedAt:O}, {renewed[id].Status!.IssuedAt:O}, {status.IssuedAt:O}; jumps to {jump1:O}, {jump2:O})");
            }
        }

        var allKeys = await chaosKeys.ListAsync();
        Assert.Equal(KeyCount, allKeys.Count);
        Assert.Equal(KeyCount, managed);
        Assert.True(problems.Count == 0, $"{problems.Count} problems:\n{string.Join("\n", problems.Take(30))}");

        var leaks = await FindLeaksAsync();
        Assert.True(leaks.Count == 0, string.Join("\n", leaks));
    }

    /// <summary>Scans logs, Events, statuses, exception texts and every replica's /metrics for every secret value seen.</summary>
    private async Task<IReadOnlyList<string>> FindLeaksAsync()
    {
        var texts = new List<(string Where, string Text)>();
        texts.AddRange(logs.Lines.Select(l => ("operator log", l)));
        var events = await Resilient.CallAsync(() => new ResourceClient<Corev1Event>(new KubernetesTransport(client)).ListAsync(null), "list Events");
        texts.AddRange(events.Items.Select(e => ("an Event", KubernetesJson.Serialize(e))));
        var keyList = await Resilient.CallAsync(() => keys.ListAsync(null), "list ApplicationKeys");
        texts.AddRange(keyList.Items.Select(k => ("an ApplicationKey", KubernetesJson.Serialize(k))));
        var appList = await Resilient.CallAsync(() => applications.ListAsync(null), "list Applications");
        texts.AddRange(appList.Items.Select(a => ("an Application", KubernetesJson.Serialize(a))));
        foreach (var replica in replicas.Concat(gone))
        {
            texts.Add(($"the /metrics of {replica.Identity}", await replica.MetricsTextAsync()));
        }

        var leaks = seen.FindIn(texts);
        Log($"secret hygiene: {seen.Count} secret values scanned for in {texts.Count} texts ({logs.Lines.Count} log lines, {events.Items.Count} events)");
        Assert.True(seen.Count >= KeyCount * 2, $"only {seen.Count} secret values were captured");
        return leaks;
    }

    private async Task ReportAsync(IReadOnlyList<KeyPlan> plans, IReadOnlyDictionary<FaultKind, long> faults, TimeSpan elapsed)
    {
        var lease = await Resilient.CallAsync(() => new ResourceClient<V1Lease>(new KubernetesTransport(client)).GetAsync("appkeys-operator-leader", ChaosWorld.OperatorNamespace), "get Lease");
        double reconciles = 0, writes = 0, issuances = 0;
        foreach (var replica in replicas.Concat(gone))
        {
            foreach (var line in (await replica.MetricsTextAsync()).Split('\n'))
            {
                var value = line.Length == 0 || line[0] == '#' ? 0 : double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
                if (line.StartsWith("controller_runtime_reconcile_total{", StringComparison.Ordinal))
                {
                    reconciles += value;
                }
                else if (line.StartsWith("rest_client_requests_total{", StringComparison.Ordinal) && line.Contains("code=\"2", StringComparison.Ordinal)
                    && (line.Contains("\"POST\"", StringComparison.Ordinal) || line.Contains("\"PUT\"", StringComparison.Ordinal) || line.Contains("\"PATCH\"", StringComparison.Ordinal) || line.Contains("\"DELETE\"", StringComparison.Ordinal)))
                {
                    writes += value;
                }
                else if (line.StartsWith("appkeys_token_issuances_total{", StringComparison.Ordinal))
                {
                    issuances += value;
                }
            }
        }

        var expectedIssuances = plans.Sum(Final);
        Log($"chaos: {plans.Count} keys ({plans.Count(p => p.Application.TokenType == TokenTypes.Jwt)} JWT, {plans.Count(p => p.ShortLived)} short-lived, {plans.Count(p => p.NeverExpires)} never expiring) in {plans.Select(p => p.Application).Distinct().Count()} Applications over {Namespaces} namespaces");
        Log($"chaos: faults injected {faults.Values.Sum()}: {string.Join(", ", faults.Select(f => $"{f.Key} {f.Value}"))}");
        Log($"chaos: leader kills 3, lease transitions {lease?.Spec?.LeaseTransitions}, replicas started {started}, replicas that exited on their own {selfRestarts}, API server restarts 1");
        Log($"chaos: requests denied {server.Denials.Total} (the replicas ran as {OperatorRbac.User} under config/rbac)");
        Log($"chaos: tokens issued {issuances} (expected {expectedIssuances}), reconciles {reconciles}, successful writes {writes}, in {elapsed.TotalSeconds:F0} s");
        // The metric counts issuances whose write was answered; one whose answer was lost (kill, restart) is only in the revision.
        Assert.True(issuances <= expectedIssuances, $"the operators counted {issuances} issuances, more than the {expectedIssuances} asked for");
        Assert.True(server.Denials.Total == 0, "requests denied under config/rbac: " + string.Join("; ", server.Denials.Denied.Take(5)));
        Assert.True(lease?.Spec?.LeaseTransitions >= 3, $"expected at least 3 lease transitions, saw {lease?.Spec?.LeaseTransitions}");
    }

    private void Log(string line) => output.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {line}");
}
