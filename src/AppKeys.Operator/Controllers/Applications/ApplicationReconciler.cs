using AppKeys.Credentials;
using AppKeys.Operator.Apis;
using AppKeys.Operator.Controllers.RolloutRestarts;
using AppKeys.Operator.Metrics;
using AppKeys.Runtime.Client;
using AppKeys.Runtime.Controllers;
using AppKeys.Runtime.Events;
using AppKeys.Runtime.Informers;
using k8s.Models;

namespace AppKeys.Operator.Controllers.Applications;

/// <summary>
/// The shell around <see cref="ApplicationPlanner"/>: read (caches first, <see cref="SecretReads"/>), plan, write each
/// object at most once (<see cref="SecretWriter"/>, then status through /status), record the plan's events, requeue.
/// </summary>
public sealed class ApplicationReconciler(
    IResourceClient<V1Alpha1Application> applications,
    IInformer<V1Alpha1Application> cache,
    SecretReads secretReads,
    IResourceClient<V1Secret> secrets,
    IEventRecorder events,
    OperatorMetrics metrics,
    TimeProvider time,
    RecentWrites recent,
    RolloutRestarter restarter,
    ILogger<ApplicationReconciler> logger) : IReconciler<V1Alpha1Application>
{
    private static readonly CredentialSources Csprng = new(ConsumerCredentialGenerator.GenerateConsumerKey, ConsumerCredentialGenerator.GenerateConsumerSecret, Guid.NewGuid);

    public async Task<ReconcileResult> ReconcileAsync(ReconcileRequest<V1Alpha1Application> request, CancellationToken cancellationToken)
    {
        // Deleted: garbage collection deletes the Secret; the key controller withdraws the keys.
        if (request.Object is not { Metadata.DeletionTimestamp: null } cached)
        {
            recent.Forget(AppKeysApi.ApplicationKind, request.Key.Namespace, request.Key.Name);
            return ReconcileResult.Done;
        }

        var app = await recent.LatestAsync(cached, applications, cancellationToken);
        var spec = EffectiveApplicationSpec.From(app);
        var recorded = app.Status?.Secrets;
        var observed = new ApplicationObservation(
            app,
            await secretReads.ReadAsync(spec.Namespace, spec.SecretName, recorded, cancellationToken),
            app.Status?.SecretName is { } former && former != spec.SecretName ? await secretReads.ReadAsync(spec.Namespace, former, recorded, cancellationToken) : null,
            consumerKey => ConsumerKeyIndex.TakenElsewhere(cache.Store, app, consumerKey));
        var now = time.GetUtcNow();
        var plan = ApplicationPlanner.Plan(observed, new ApplicationPlanContext(now, Csprng));

        var written = await SecretWriter.ApplyAsync(secrets, plan.Secret, plan.Deletes, spec.Namespace, logger, cancellationToken);
        WrittenSecrets.Record(plan.Status.Secrets, written);

        // The workloads that use the Secret, restarted when a consumer secret changed (after the write, before status).
        var status = plan.Status;
        var why = plan.Regenerated.Count > 0
            ? "consumer secret regenerated (" + string.Join(", ", plan.Regenerated.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key}: {r.Value}")) + ")"
            : "the consumer secrets changed";
        var outcome = await restarter.ApplyAsync(spec.Namespace, spec.SecretName, app.Spec?.RolloutRestartTargets, app.Status?.RolloutRestarts, RolloutRestartPlanner.ContentOf(status), why, now, cancellationToken);
        RolloutRestartPlanner.Apply(status, r => status.RolloutRestarts = r, outcome.Records, outcome.Condition, app.Metadata.Generation, now);
        foreach (var e in plan.Events.Concat(outcome.Events))
        {
            logger.LogInformation("{Application}: {Reason}: {Message}", spec.Name, e.Reason, e.Message);
            await events.RecordAsync(app, e.Type, e.Reason, e.Message, cancellationToken);
        }

        foreach (var reason in plan.Regenerated.Values.Distinct())
        {
            metrics.Regenerated(spec.Namespace, reason, plan.Regenerated.Count(r => r.Value == reason));
        }

        if (plan.Tampered)
        {
            metrics.Tampered(spec.Namespace, AppKeysApi.ApplicationKind);
        }

        var result = Rechecks.For(outcome.Next is { } n && (plan.Next is null || n < plan.Next) ? n : plan.Next, now);
        return await StatusUpdate.ApplyAsync(applications, app, status, result, mustLand: written is not null, recent, cancellationToken);
    }
}
