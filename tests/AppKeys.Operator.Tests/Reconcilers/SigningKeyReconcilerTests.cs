using AppKeys.Operator.Apis;
using AppKeys.Operator.Controllers;
using AppKeys.Operator.Hosting;
using AppKeys.Operator.Signing;
using AppKeys.Runtime;
using AppKeys.Runtime.Client;
using AppKeys.Runtime.Controllers;
using AppKeys.Runtime.Metrics;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AppKeys.Operator.Tests.Reconcilers;

/// <summary>
/// The signing-keys reconciler against in-memory clients: <c>SigningKeysRestored</c> (a Warning) says someone else
/// deleted or edited the signing Secret, never that the operator's own write was retried — after a failed write,
/// after a write whose answer was lost, or with a cache that has not caught up.
/// </summary>
public sealed class SigningKeyReconcilerTests : IDisposable
{
    private const string Ns = OperatorOptions.DefaultNamespace;
    private readonly List<ApiAction> actions = [];
    private readonly FakeTimeProvider clock = new(TestSupport.TestObjects.Now);
    private readonly FakeResourceClient<V1Secret> secrets;
    private readonly FakeResourceClient<V1ConfigMap> configMaps;
    private readonly ReconcilerWorld.FakeInformer<V1Secret> secretCache = new([]);
    private readonly ReconcilerWorld.FakeInformer<V1ConfigMap> configMapCache = new([]);
    private readonly ReconcilerWorld.FakeInformer<V1Alpha1ApplicationKey> keyCache = new([]);
    private readonly ReconcilerWorld.RecordingEvents events = new();
    private readonly SigningKeyStore store;
    private readonly OperatorOptions options = new() { Issuer = "https://issuer.test" };
    private int version = 100;

    public SigningKeyReconcilerTests()
    {
        secrets = new FakeResourceClient<V1Secret>(() => ++version, actions);
        configMaps = new FakeResourceClient<V1ConfigMap>(() => ++version, actions);
        store = new SigningKeyStore(options, clock);
    }

    public void Dispose() => store.Dispose();

    [Fact]
    public async Task A_retried_write_is_no_restore_a_real_edit_is()
    {
        await ReconcileAsync(); // creates the Secret and the JWKS ConfigMap
        Assert.NotNull(secrets.Peek(SigningKeySecret.SecretName, Ns));

        // A rotation request whose write fails before it is applied: the retry writes it, no Warning.
        Annotate("1");
        secrets.FailNext("update", SigningKeySecret.SecretName, applied: false);
        await Assert.ThrowsAsync<KubernetesApiException>(() => ReconcileAsync());
        await ReconcileAsync();
        Assert.Contains(actions, a => a.ToString().StartsWith("update secrets/appkeys-signing-keys", StringComparison.Ordinal));
        Assert.Equal(Hashes.Of("1"), State().ObservedRotateRequest);
        AssertNoRestore("after a failed write");

        // Another whose write is applied but answered 500, retried on a cache that has not seen it: no Warning, no write.
        Annotate("2");
        secrets.FailNext("update", SigningKeySecret.SecretName, applied: true);
        await Assert.ThrowsAsync<KubernetesApiException>(() => ReconcileAsync());
        await ReconcileAsync(sync: false);
        Assert.DoesNotContain(actions, a => a.ToString().StartsWith("update secrets/", StringComparison.Ordinal));
        Assert.Equal(Hashes.Of("2"), State().ObservedRotateRequest);
        AssertNoRestore("after a write whose answer was lost");

        // A successful write the cache has not caught up with yet: no Warning either.
        await ReconcileAsync(sync: false);
        AssertNoRestore("on a stale cache");

        // Someone else edits the Secret: restored, with the Warning.
        var edited = secrets.Peek(SigningKeySecret.SecretName, Ns)!;
        edited.Data.Remove(SigningKeySecret.StateKey);
        secrets.Seed(edited);
        await ReconcileAsync();
        Assert.Contains(events.Recorded, e => e.Type == "Warning" && e.Reason == SigningKeyEvents.Restored);
        Assert.Equal(Hashes.Of("2"), State().ObservedRotateRequest);
    }

    [Fact]
    public async Task A_JWKS_ConfigMap_the_cache_has_not_seen_yet_is_published_against_not_an_error()
    {
        // The first reconcile creates the Secret and the ConfigMap; the next one (the Secret's watch event) comes before
        // the ConfigMap's: its create meets AlreadyExists. The reconcile reads the live ConfigMap instead of failing.
        await ReconcileAsync();
        secretCache.Store.Replace(null, [.. secrets.Objects.Select(KubernetesObjects.Clone)]);
        var published = configMaps.Peek(JwksPublisher.ConfigMapName, Ns)!;

        await ReconcileAsync(sync: false);

        Assert.Contains(actions, a => a.ToString().StartsWith("create configmaps/", StringComparison.Ordinal));
        Assert.DoesNotContain(actions, a => a.ToString().StartsWith("update configmaps/", StringComparison.Ordinal));
        Assert.Equal(published.Metadata.ResourceVersion, configMaps.Peek(JwksPublisher.ConfigMapName, Ns)!.Metadata.ResourceVersion);

        // Someone replaced its JWKS meanwhile: the live one is corrected, still without an error.
        published.Data[JwksPublisher.JwksKey] = """{"keys":[]}""";
        configMaps.Seed(published);
        await ReconcileAsync(sync: false);
        Assert.Contains(actions, a => a.ToString().StartsWith("update configmaps/", StringComparison.Ordinal));
        Assert.Equal(store.Jwks, configMaps.Peek(JwksPublisher.ConfigMapName, Ns)!.Data[JwksPublisher.JwksKey]);
    }

    private void AssertNoRestore(string when) =>
        Assert.False(events.Recorded.Any(e => e.Reason == SigningKeyEvents.Restored), $"a spurious {SigningKeyEvents.Restored} Warning {when}");

    private void Annotate(string value)
    {
        var secret = secrets.Peek(SigningKeySecret.SecretName, Ns)!;
        secret.Metadata.Annotations ??= new Dictionary<string, string>();
        secret.Metadata.Annotations[SigningKeySecret.RotateAnnotation] = value;
        secrets.Seed(secret);
    }

    private SigningKeySet State() => SigningKeySecret.ParseState(secrets.Peek(SigningKeySecret.SecretName, Ns)!.Data[SigningKeySecret.StateKey])!;

    private async Task<ReconcileResult> ReconcileAsync(bool sync = true)
    {
        if (sync)
        {
            secretCache.Store.Replace(null, [.. secrets.Objects.Select(KubernetesObjects.Clone)]);
            configMapCache.Store.Replace(null, [.. configMaps.Objects.Select(KubernetesObjects.Clone)]);
        }

        actions.Clear();
        var reconciler = new SigningKeyReconciler(
            store, secrets, configMaps, secretCache, configMapCache, keyCache, events,
            new SigningKeyMetrics(new RuntimeMetrics(Prometheus.Metrics.NewCustomRegistry()), clock), options, clock,
            NullLogger<SigningKeyReconciler>.Instance);
        var key = SigningKeyReconciler.Key(Ns);
        return await reconciler.ReconcileAsync(new ReconcileRequest<V1ConfigMap>(key, configMapCache.Store.Get(key)), CancellationToken.None);
    }
}
