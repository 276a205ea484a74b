using AppKeys.Operator.Apis;
using AppKeys.Operator.Controllers;
using AppKeys.Operator.Controllers.ApplicationKeys;
using AppKeys.Operator.Controllers.Applications;
using AppKeys.Operator.Controllers.RolloutRestarts;
using AppKeys.Operator.Hosting;
using AppKeys.Operator.KeyManager;
using AppKeys.Operator.Metrics;
using AppKeys.Operator.Signing;
using AppKeys.Operator.Tests.TestSupport;
using AppKeys.Runtime;
using AppKeys.Runtime.Controllers;
using AppKeys.Runtime.Events;
using AppKeys.Runtime.Informers;
using AppKeys.Runtime.Metrics;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AppKeys.Operator.Tests.Reconcilers;

/// <summary>
/// Both reconcilers wired to in-memory clients and caches, on a fake clock: a test seeds objects, runs one reconcile
/// and reads the exact API actions it made (<see cref="Actions"/>) and the Events it recorded.
/// </summary>
internal sealed class ReconcilerWorld : IDisposable
{
    public const string Ns = "default";
    private int version = 100;

    public ReconcilerWorld()
    {
        Applications = new FakeResourceClient<V1Alpha1Application>(() => ++version, Actions);
        Keys = new FakeResourceClient<V1Alpha1ApplicationKey>(() => ++version, Actions);
        Secrets = new FakeResourceClient<V1Secret>(() => ++version, Actions);
        var runtimeMetrics = new RuntimeMetrics(Prometheus.Metrics.NewCustomRegistry());
        var metrics = new OperatorMetrics(runtimeMetrics);
        var reads = new SecretReads(SecretCache, Secrets);
        var options = new OperatorOptions { Issuer = "https://issuer.test" };
        SigningKeys = new SigningKeyStore(options, Clock);
        Deployments = new FakeResourceClient<V1Deployment>(() => ++version, Actions);
        StatefulSets = new FakeResourceClient<V1StatefulSet>(() => ++version, Actions);
        DaemonSets = new FakeResourceClient<V1DaemonSet>(() => ++version, Actions);
        var restarter = new RolloutRestarter(Deployments, StatefulSets, DaemonSets, RolloutRestartSettings.For(RestartInterval), NullLogger<RolloutRestarter>.Instance);
        ApplicationReconciler = new ApplicationReconciler(Applications, ApplicationCache, reads, Secrets, Events, metrics, Clock, Recent, restarter, NullLogger<ApplicationReconciler>.Instance);
        // The key manager's stores on the same in-memory client: their informer never runs, so a revocation or the
        // sealing keys are created (and show up in Actions) like any other write.
        var operatorSecrets = new KeyManagerSecrets(Secrets, options, Clock, runtimeMetrics, NullLogger<Informer<V1Secret>>.Instance);
        TokenKeys = new TokenKeyStore(operatorSecrets, Clock, NullLogger<TokenKeyStore>.Instance);
        Revocations = new RevocationStore(operatorSecrets, Clock, NullLogger<RevocationStore>.Instance);
        TokenKeys.EnsureAsync(CancellationToken.None).GetAwaiter().GetResult();
        Actions.Clear();
        var minter = new TokenMinter(options, new AppKeys.Operator.KeyManager.SigningKeys(SigningKeys), TokenKeys, Clock);
        KeyReconciler = new ApplicationKeyReconciler(Keys, reads, Secrets, ApplicationCache, new TokenIssuance(SigningKeys, minter, TokenKeys, Clock), IssuerSettings.From(options), Events, metrics, Clock, Recent, restarter, Revocations, NullLogger<ApplicationKeyReconciler>.Instance);
    }

    /// <summary>The rollout restart interval of this world (<c>--rollout-restart-min-interval</c>).</summary>
    public static readonly TimeSpan RestartInterval = TimeSpan.FromMinutes(2);

    public FakeTimeProvider Clock { get; } = new(TestObjects.Now);

    public FakeResourceClient<V1Deployment> Deployments { get; }

    public FakeResourceClient<V1StatefulSet> StatefulSets { get; }

    public FakeResourceClient<V1DaemonSet> DaemonSets { get; }

    public List<ApiAction> Actions { get; } = [];

    public FakeResourceClient<V1Alpha1Application> Applications { get; }

    public FakeResourceClient<V1Alpha1ApplicationKey> Keys { get; }

    public FakeResourceClient<V1Secret> Secrets { get; }

    public FakeInformer<V1Alpha1Application> ApplicationCache { get; } = new([new(ConsumerKeyIndex.Name, ConsumerKeyIndex.Values)]);

    public FakeInformer<V1Secret> SecretCache { get; } = new([]);

    public RecordingEvents Events { get; } = new();

    public RecentWrites Recent { get; } = new();

    public SigningKeyStore SigningKeys { get; }

    public TokenKeyStore TokenKeys { get; }

    public RevocationStore Revocations { get; }

    public ApplicationReconciler ApplicationReconciler { get; }

    public ApplicationKeyReconciler KeyReconciler { get; }

    /// <summary>The caches catch up with the server (managed Secrets only, as the operator's informer selects).</summary>
    public void Sync()
    {
        ApplicationCache.Store.Replace(null, [.. Applications.Objects.Select(KubernetesObjects.Clone)]);
        SecretCache.Store.Replace(null, [.. Secrets.Objects.Where(IsManaged).Select(KubernetesObjects.Clone)]);
    }

    private static bool IsManaged(V1Secret secret) =>
        secret.Metadata.Labels is { } labels && labels.TryGetValue(AppKeysLabels.ManagedBy, out var manager) && manager == AppKeysApi.ManagerName;

    /// <summary>Reconciles the Application (from the cache, as the controller does) and returns the actions it made.</summary>
    public async Task<(ReconcileResult Result, IReadOnlyList<string> Actions)> ReconcileApplicationAsync(string name = "shop")
    {
        Sync();
        Actions.Clear();
        var app = ApplicationCache.Store.Get(new ObjectKey(Ns, name));
        var result = await ApplicationReconciler.ReconcileAsync(new ReconcileRequest<V1Alpha1Application>(new ObjectKey(Ns, name), app), CancellationToken.None);
        return (result, [.. Actions.Select(a => a.ToString())]);
    }

    /// <summary>Reconciles the key (from the cache) and returns the actions it made.</summary>
    public async Task<(ReconcileResult Result, IReadOnlyList<string> Actions)> ReconcileKeyAsync(string name = "shop-prod", bool sync = true)
    {
        if (sync)
        {
            Sync();
        }

        Actions.Clear();
        var key = Keys.Peek(name, Ns);
        var result = await KeyReconciler.ReconcileAsync(new ReconcileRequest<V1Alpha1ApplicationKey>(new ObjectKey(Ns, name), key), CancellationToken.None);
        return (result, [.. Actions.Select(a => a.ToString())]);
    }

    public void Dispose() => SigningKeys.Dispose();

    internal sealed class FakeInformer<T>(IEnumerable<KeyValuePair<string, Func<T, IEnumerable<string>>>> indexers) : IInformer<T>
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        public ObjectStore<T> Store { get; } = new(indexers);

        IObjectStore<T> IInformer<T>.Store => Store;

        public string ResourceName => typeof(T).Name;

        public bool HasSynced => true;

        public IDisposable AddHandler(Action<InformerEvent<T>> handler) => throw new NotSupportedException();

        public Task RunAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task WaitForSyncAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    internal sealed class RecordingEvents : IEventRecorder
    {
        public List<(string Type, string Reason, string Message)> Recorded { get; } = [];

        public Task RecordAsync(IKubernetesObject<V1ObjectMeta> regarding, string type, string reason, string message, CancellationToken cancellationToken = default)
        {
            Recorded.Add((type, reason, message));
            return Task.CompletedTask;
        }
    }

    /// <summary>Holds one current ES256 key and marks it published, as the leader's signing-keys controller would.</summary>
    public void HoldPublishedSigningKey()
    {
        var kid = SigningKeys.Generate(AppKeys.Credentials.SigningKeyAlgorithm.ES256);
        SigningKeys.Hold(new SigningKeySet([new SigningKeyEntry(kid, AppKeys.Credentials.SigningKeyAlgorithm.ES256, SigningKeyState.Current, Clock.GetUtcNow(), Clock.GetUtcNow())]));
        SigningKeys.ObservePublished(new HashSet<string> { kid });
    }
}
