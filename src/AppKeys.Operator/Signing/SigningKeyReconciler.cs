using AppKeys.Operator.Apis;
using AppKeys.Operator.Hosting;
using AppKeys.Runtime;
using AppKeys.Runtime.Client;
using AppKeys.Runtime.Controllers;
using AppKeys.Runtime.Events;
using AppKeys.Runtime.Informers;
using k8s.Models;

namespace AppKeys.Operator.Signing;

/// <summary>
/// The one writer of the signing Secret and the JWKS ConfigMap (leader only; a controller on the ConfigMap that also
/// watches the Secret and the tokens of keys that no longer sign). Each reconcile: read the held key set (the Secret on
/// the first run), plan with <see cref="SigningKeyPlanner"/>, write the Secret if it differs (restoring it when it was
/// deleted or edited), then the ConfigMap, each at most once with the read resourceVersion; record the plan's events;
/// requeue at the next transition.
/// </summary>
public sealed class SigningKeyReconciler(
    SigningKeyStore store,
    IResourceClient<V1Secret> secrets,
    IResourceClient<V1ConfigMap> configMaps,
    IInformer<V1Secret> managedSecrets,
    IInformer<V1ConfigMap> jwksConfigMaps,
    IInformer<V1Alpha1ApplicationKey> applicationKeys,
    IEventRecorder events,
    SigningKeyMetrics metrics,
    OperatorOptions options,
    TimeProvider time,
    ILogger<SigningKeyReconciler> logger) : IReconciler<V1ConfigMap>
{
    /// <summary>The queue key of the one object this controller reconciles.</summary>
    public static ObjectKey Key(string @namespace) => new(@namespace, JwksPublisher.ConfigMapName);

    public async Task<ReconcileResult> ReconcileAsync(ReconcileRequest<V1ConfigMap> request, CancellationToken cancellationToken)
    {
        var ns = options.Namespace;
        if (request.Key != Key(ns))
        {
            return ReconcileResult.Done;
        }

        var now = time.GetUtcNow();
        var settings = store.Settings;
        var secret = managedSecrets.Store.Get(new ObjectKey(ns, SigningKeySecret.SecretName));
        if (secret is null && !store.IsWriter)
        {
            // The cache only holds Secrets with our label: one without it would be overwritten blindly.
            secret = await secrets.GetAsync(SigningKeySecret.SecretName, ns, cancellationToken);
        }

        var held = store.IsWriter ? store.Held : null;
        if (!store.IsWriter)
        {
            var contents = SigningKeySecret.Read(secret, settings.Algorithm, now);
            if (contents is not null)
            {
                store.Hold(contents.Set, contents.Materials);
                store.MarkWritten(contents.Set);
                held = contents.Set;
            }
            else
            {
                held = store.Held;
            }
        }

        var configMap = jwksConfigMaps.Store.Get(Key(ns));
        var plan = SigningKeyPlanner.Plan(new SigningKeyPlanInput(
            held,
            SignedTokens.Scan(managedSecrets.Store.List()),
            Annotation(secret, SigningKeySecret.RotateAnnotation),
            Annotation(secret, SigningKeySecret.RevokeAnnotation),
            JwksPublisher.KeyIds(JwksPublisher.JwksOf(configMap)),
            SignedTokens.EndpointTokenLifetime(applicationKeys.Store.List(), settings),
            now,
            settings,
            store.Generate));

        var data = SigningKeySecret.Data(plan.Desired, store.Materials);
        var restored = false;
        if (held is not null && plan.Desired.Equivalent(held) && !SigningKeySecret.SameData(secret?.Data, data))
        {
            // Looks deleted or edited. Rule out the operator's own write first: the cache may not have caught up with
            // it (read the live Secret), or the held set was never written (a failed write, or one whose answer was
            // lost, retried now). Only a Secret that differs from a set the operator did write was changed by someone else.
            secret = await secrets.GetAsync(SigningKeySecret.SecretName, ns, cancellationToken);
            restored = !SigningKeySecret.SameData(secret?.Data, data) && store.IsWritten(held);
        }

        // Held before the write: the write's watch event re-queues every ApplicationKey, whose issuance policy must already
        // see the new states. A failed write is retried from what is held.
        store.Hold(plan.Desired);
        var written = await WriteSecretAsync(secret, data, cancellationToken);
        store.MarkWritten(plan.Desired);
        await PublishAsync(configMap, cancellationToken);

        if (restored)
        {
            var what = secret is null ? "was deleted" : "was edited";
            logger.LogWarning("Signing Secret {Namespace}/{Name} {What}: restored from the keys the operator holds", ns, SigningKeySecret.SecretName, what);
            await RecordAsync(written, true, SigningKeyEvents.Restored, $"Secret {SigningKeySecret.SecretName} {what}: restored from the signing keys the operator holds (kids {string.Join(", ", plan.Desired.Keys.Select(k => k.KeyId))})", cancellationToken);
        }

        foreach (var e in plan.Events)
        {
            logger.Log(e.Warning ? LogLevel.Warning : LogLevel.Information, "{Reason}: {Message}", e.Reason, e.Message);
            await RecordAsync(written, e.Warning, e.Reason, e.Message, cancellationToken);
        }

        return ReconcileResult.After(plan.RequeueAfter);
    }

    private async Task<V1Secret> WriteSecretAsync(V1Secret? secret, Dictionary<string, byte[]> data, CancellationToken cancellationToken)
    {
        if (secret is null)
        {
            return await secrets.CreateAsync(SigningKeySecret.New(options.Namespace, data), cancellationToken);
        }

        var labelled = secret.Metadata.Labels is { } labels && labels.TryGetValue(AppKeysLabels.ManagedBy, out var manager) && manager == AppKeysApi.ManagerName;
        if (SigningKeySecret.SameData(secret.Data, data) && labelled)
        {
            return secret;
        }

        // Annotations (the rotate and revoke requests) are kept; data and our label are ours. The read resourceVersion is
        // the precondition: a concurrent change is a 409, re-planned on the next reconcile.
        var updated = KubernetesObjects.Clone(secret);
        updated.Data = data;
        updated.StringData = null;
        updated.Metadata.Labels ??= new Dictionary<string, string>();
        updated.Metadata.Labels[AppKeysLabels.ManagedBy] = AppKeysApi.ManagerName;
        return await secrets.ReplaceAsync(updated, cancellationToken);
    }

    private async Task PublishAsync(V1ConfigMap? configMap, CancellationToken cancellationToken)
    {
        var jwks = store.Jwks!;
        if (configMap is null)
        {
            try
            {
                await configMaps.CreateAsync(JwksPublisher.New(options.Namespace, jwks), cancellationToken);
                LogPublished(jwks);
                store.ObservePublished(JwksPublisher.KeyIds(jwks));
                return;
            }
            catch (KubernetesApiException e) when (e.IsAlreadyExists)
            {
                // The cache has not seen it yet (typically this replica's own create, one reconcile ago, whose watch
                // event is still on its way): publish against the live one instead of failing the reconcile. Gone again
                // in between: the error stands and the reconcile is retried.
                configMap = await configMaps.GetAsync(JwksPublisher.ConfigMapName, options.Namespace, cancellationToken);
                if (configMap is null)
                {
                    throw;
                }
            }
        }

        if (JwksPublisher.JwksOf(configMap) != jwks)
        {
            var updated = KubernetesObjects.Clone(configMap);
            updated.Data ??= new Dictionary<string, string>();
            updated.Data[JwksPublisher.JwksKey] = jwks;
            await configMaps.ReplaceAsync(updated, cancellationToken);
            LogPublished(jwks);
        }

        store.ObservePublished(JwksPublisher.KeyIds(jwks));
    }

    private void LogPublished(string jwks) =>
        logger.LogInformation("Published the JWKS ({Keys}) in ConfigMap {Namespace}/{Name}", string.Join(", ", JwksPublisher.KeyIds(jwks)), options.Namespace, JwksPublisher.ConfigMapName);

    private static string? Annotation(V1Secret? secret, string name) =>
        secret?.Metadata?.Annotations is { } annotations && annotations.TryGetValue(name, out var value) ? value : null;

    private async Task RecordAsync(V1Secret regarding, bool warning, string reason, string message, CancellationToken cancellationToken)
    {
        metrics.Transition(reason);
        await events.RecordAsync(regarding, warning ? EventTypes.Warning : EventTypes.Normal, reason, message, cancellationToken);
    }
}
