using AppKeys.Operator.Apis;
using AppKeys.Operator.Controllers.RolloutRestarts;
using AppKeys.Operator.KeyManager;
using AppKeys.Operator.Metrics;
using AppKeys.Runtime;
using AppKeys.Runtime.Client;
using AppKeys.Runtime.Controllers;
using AppKeys.Runtime.Events;
using AppKeys.Runtime.Informers;
using k8s.Models;

namespace AppKeys.Operator.Controllers.ApplicationKeys;

/// <summary>
/// The shell around <see cref="KeyPlanner"/>: read (caches first, <see cref="SecretReads"/>), plan, write each object
/// at most once (<see cref="SecretWriter"/>, then status through /status), record the plan's events, requeue.
/// </summary>
public sealed class ApplicationKeyReconciler(
    IResourceClient<V1Alpha1ApplicationKey> keys,
    SecretReads secretReads,
    IResourceClient<V1Secret> secrets,
    IInformer<V1Alpha1Application> applications,
    TokenIssuance issuance,
    IssuerSettings issuer,
    IEventRecorder events,
    OperatorMetrics metrics,
    TimeProvider time,
    RecentWrites recent,
    RolloutRestarter restarter,
    RevocationStore revocations,
    ILogger<ApplicationKeyReconciler> logger) : IReconciler<V1Alpha1ApplicationKey>
{
    public async Task<ReconcileResult> ReconcileAsync(ReconcileRequest<V1Alpha1ApplicationKey> request, CancellationToken cancellationToken)
    {
        if (request.Object is not { Metadata.DeletionTimestamp: null } cached)
        {
            recent.Forget(AppKeysApi.ApplicationKeyKind, request.Key.Namespace, request.Key.Name);
            return ReconcileResult.Done;
        }

        var key = await recent.LatestAsync(cached, keys, cancellationToken);
        var observed = await ObserveAsync(key, cancellationToken);
        var now = time.GetUtcNow();
        var (mint, signingKeys, canSignJwt, canSealOpaque) = issuance.ForPlan();
        var plan = KeyPlanner.Plan(observed, new KeyPlanContext(now, issuer, mint, signingKeys, canSignJwt, canSealOpaque));

        // appkeys.io/revoke: the revocation is durable in the API server before anything else is written, so a
        // crash in between leaves the old token revoked and the request not yet recorded as honoured (status):
        // the next reconcile revokes again (idempotent) and issues the new token. Never the other way round.
        if (plan.Revoke is { } revoke && !await RevokeAsync(key, revoke, cancellationToken))
        {
            return ReconcileResult.Retry;
        }

        var written = await SecretWriter.ApplyAsync(secrets, plan.Secret, plan.Deletes, key.Metadata.NamespaceProperty, logger, cancellationToken);
        var status = plan.Status;
        WrittenSecrets.Record(status?.Secrets, written);

        // The workloads that use the Secret, restarted when its token changed (after the write, before status records it).
        var next = plan.Next;
        IReadOnlyList<PlannedEvent> restartEvents = [];
        if (status is not null)
        {
            var spec = EffectiveKeySpec.From(key);
            var outcome = await restarter.ApplyAsync(spec.Namespace, spec.SecretName, key.Spec?.RolloutRestartTargets, key.Status?.RolloutRestarts, RolloutRestartPlanner.ContentOf(status), Why(plan, status), now, cancellationToken);
            RolloutRestartPlanner.Apply(status, r => status.RolloutRestarts = r, outcome.Records, outcome.Condition, key.Metadata.Generation, now);
            restartEvents = outcome.Events;
            next = outcome.Next is { } n && (next is null || n < next) ? n : next;
        }

        foreach (var e in plan.Events.Concat(restartEvents))
        {
            await events.RecordAsync(key, e.Type, e.Reason, e.Message, cancellationToken);
        }

        var result = Rechecks.For(next, now);
        if (status is not null)
        {
            result = await StatusUpdate.ApplyAsync(keys, key, status, result, mustLand: written is not null, recent, cancellationToken);
        }

        // A token counts once its record is in status: one whose record was lost is superseded by the next reconcile.
        Count(key, plan, result.Backoff ? null : status);
        return result;
    }

    private static string Why(KeyPlan plan, V1Alpha1ApplicationKeyStatus status) =>
        string.IsNullOrEmpty(status.TokenId) ? "the key holds no token any more (its Secret was withdrawn)"
        : plan.Issued is { } reason ? $"token {status.TokenId} (revision {status.Revision}) issued ({reason})"
        : $"the key's token is now {status.TokenId} (revision {status.Revision})";

    private async Task<bool> RevokeAsync(V1Alpha1ApplicationKey key, TokenRevocation revoke, CancellationToken cancellationToken)
    {
        try
        {
            if (await revocations.RevokeAsync(revoke.TokenId, revoke.ExpiresAt, cancellationToken))
            {
                metrics.TokenRevoked(key.Metadata.NamespaceProperty);
                await events.RecordAsync(key, EventTypes.Normal, "TokenRevoked", $"Revoked token {revoke.TokenId} (revision {revoke.Revision}) as appkeys.io/revoke asked: introspection on every replica says inactive; a new token follows", cancellationToken);
            }

            return true;
        }
        catch (Exception e) when (e is KubernetesApiException or RevocationListFullException)
        {
            logger.LogWarning("Revoking token {TokenId} of ApplicationKey {Namespace}/{Name} failed: {Reason}; nothing else written, retrying", revoke.TokenId, key.Metadata.NamespaceProperty, key.Metadata.Name, e.Message);
            await events.RecordAsync(key, EventTypes.Warning, "RevocationFailed", $"Token {revoke.TokenId} could not be revoked yet ({e.Message}); no new token is issued until it is; retrying", cancellationToken);
            return false;
        }
    }

    private async Task<KeyObservation> ObserveAsync(V1Alpha1ApplicationKey key, CancellationToken cancellationToken)
    {
        var spec = EffectiveKeySpec.From(key);
        var secret = await secretReads.ReadAsync(spec.Namespace, spec.SecretName, key.Status?.Secrets, cancellationToken);
        var former = new List<V1Secret>();
        foreach (var name in (key.Status?.Secrets ?? []).Select(s => s.Name).Append(key.Status?.SecretName).OfType<string>().Distinct().Where(n => n != spec.SecretName))
        {
            if (await secretReads.ReadAsync(spec.Namespace, name, key.Status?.Secrets, cancellationToken) is { } found)
            {
                former.Add(found);
            }
        }

        var application = applications.Store.Get(new ObjectKey(spec.Namespace, spec.ApplicationName));
        return new KeyObservation(key, secret, former, application, secretReads.Cached(spec.Namespace, application?.Status?.SecretName));
    }

    private void Count(V1Alpha1ApplicationKey key, KeyPlan plan, V1Alpha1ApplicationKeyStatus? status)
    {
        var ns = key.Metadata.NamespaceProperty;
        if (plan.Issued is { } reason && status is not null)
        {
            metrics.Issued(ns, reason);
        }

        if (plan.Tampered)
        {
            metrics.Tampered(ns, AppKeysApi.ApplicationKeyKind);
        }
    }
}
