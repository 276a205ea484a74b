using AppKeys.Credentials;
using AppKeys.Operator.Apis;
using AppKeys.Operator.Metrics;
using AppKeys.Runtime.Client;
using AppKeys.Runtime.Controllers;
using AppKeys.Runtime.Events;
using k8s.Models;

namespace AppKeys.Operator.Controllers.Applications;

/// <summary>
/// Keeps an Application's consumer credentials in its Secret: generates them once per enabled key type, never
/// changes them afterwards except for a regenerate request, and refuses to touch a Secret it does not own.
/// </summary>
public sealed class ApplicationReconciler(
    IResourceClient<V1Alpha1Application> applications,
    IResourceClient<V1Secret> secrets,
    IEventRecorder events,
    OperatorMetrics metrics,
    TimeProvider time,
    ILogger<ApplicationReconciler> logger) : IReconciler<V1Alpha1Application>
{
    /// <summary>How often a Secret conflict is re-checked (the foreign Secret is not watched).</summary>
    public static readonly TimeSpan ConflictRecheck = TimeSpan.FromSeconds(30);

    /// <summary>Longest scheduled requeue for rotation (long periods are re-checked at least this often).</summary>
    public static readonly TimeSpan MaxRequeue = TimeSpan.FromHours(12);

    public async Task<ReconcileResult> ReconcileAsync(ReconcileRequest<V1Alpha1Application> request, CancellationToken cancellationToken)
    {
        var app = request.Object;
        if (app is null || app.Metadata.DeletionTimestamp is not null)
        {
            // Garbage collection deletes the Secret; the key controller revokes the keys.
            return ReconcileResult.Done;
        }

        var now = time.GetUtcNow();
        if (ApplicationValidator.Validate(app) is { } invalid)
        {
            await events.RecordAsync(app, EventTypes.Warning, invalid.Reason, invalid.Message, cancellationToken);
            return await WriteStatusAsync(app, ApplicationStatusBuilder.NotReady(app, invalid, now), ReconcileResult.Done, cancellationToken);
        }

        var spec = EffectiveApplicationSpec.From(app);
        var existing = await secrets.GetAsync(spec.SecretName, spec.Namespace, cancellationToken);
        if (existing is not null && !SecretOwnership.IsControlledBy(existing.Metadata, app))
        {
            var conflict = new NotReady(ConditionReasons.SecretConflict, $"Secret {spec.SecretName} exists and is not owned by this Application; it is left untouched");
            await events.RecordAsync(app, EventTypes.Warning, conflict.Reason, conflict.Message, cancellationToken);
            return await WriteStatusAsync(app, ApplicationStatusBuilder.NotReady(app, conflict, now), ReconcileResult.After(ConflictRecheck), cancellationToken);
        }

        var plan = ApplicationCredentialsPlanner.Plan(
            existing?.Data,
            existing?.Metadata.Annotation(AppKeysAnnotations.ObservedRequest),
            app.Metadata.Annotation(AppKeysAnnotations.RegenerateSecret),
            spec.KeyTypes,
            app.Status?.ApplicationId,
            ConsumerCredentialGenerator.GenerateConsumerKey,
            ConsumerCredentialGenerator.GenerateConsumerSecret,
            spec.Rotation,
            now);
        var desired = ApplicationSecretBuilder.Build(app, spec, plan);

        if (existing is null)
        {
            await secrets.CreateAsync(desired, cancellationToken);
        }
        else if (!ApplicationSecretBuilder.UpToDate(existing, desired))
        {
            desired.Metadata.ResourceVersion = existing.Metadata.ResourceVersion;
            MergeForeignMetadata(existing, desired);
            await secrets.ReplaceAsync(desired, cancellationToken);
        }

        await ReportChangesAsync(app, spec, plan, cancellationToken);
        await RenamedSecrets.DeleteOldAsync(secrets, app, app.Status?.SecretName, spec.SecretName, spec.Namespace, logger, cancellationToken);
        var result = plan.NextChange is { } next ? ReconcileResult.After(UntilNext(next - now)) : ReconcileResult.Done;
        return await WriteStatusAsync(app, ApplicationStatusBuilder.Ready(app, spec, plan, now), result, cancellationToken);
    }

    // Rotation times are whole seconds: wake just after, never in a busy loop, and at least every MaxRequeue.
    private static TimeSpan UntilNext(TimeSpan delay) =>
        delay < TimeSpan.Zero ? TimeSpan.FromMilliseconds(100) : delay > MaxRequeue ? MaxRequeue : delay + TimeSpan.FromMilliseconds(50);

    private async Task ReportChangesAsync(V1Alpha1Application app, EffectiveApplicationSpec spec, ApplicationCredentialsPlan plan, CancellationToken cancellationToken)
    {
        if (plan.Generated.Count > 0)
        {
            var keys = string.Join(", ", plan.Generated.Select(k => $"{k} consumer key {plan.ConsumerKeys[k]}"));
            logger.LogInformation("Generated credentials for {Keys} in Secret {Secret}", keys, spec.SecretName);
            await events.RecordAsync(app, EventTypes.Normal, "CredentialsGenerated", $"Generated {keys} in Secret {spec.SecretName}", cancellationToken);
        }

        if (plan.Regenerated.Count > 0)
        {
            foreach (var reason in plan.Regenerated.Values.Distinct())
            {
                metrics.Regenerated(spec.Namespace, reason, plan.Regenerated.Count(r => r.Value == reason));
            }

            var keyTypes = string.Join(", ", plan.Regenerated.Select(r => $"{r.Key} ({r.Value})"));
            var previous = plan.Regenerated.Keys.Where(plan.PreviousSecretExpiresAt.ContainsKey).ToList();
            var grace = previous.Count == 0
                ? "the previous secret is no longer valid"
                : "the previous secret stays valid until " + string.Join(", ", previous.Select(k => $"{Rfc3339.ToString(plan.PreviousSecretExpiresAt[k])} ({k})"));
            logger.LogInformation("Regenerated the consumer secret of {KeyTypes} in Secret {Secret}; {Grace}", keyTypes, spec.SecretName, grace);
            await events.RecordAsync(app, EventTypes.Normal, "ConsumerSecretRegenerated", $"Regenerated the consumer secret of {keyTypes}; consumer keys are unchanged; {grace}", cancellationToken);
        }

        if (plan.PreviousExpired.Count > 0)
        {
            var keyTypes = string.Join(", ", plan.PreviousExpired);
            logger.LogInformation("Removed the previous consumer secret of {KeyTypes} from Secret {Secret}: its grace period ended", keyTypes, spec.SecretName);
            await events.RecordAsync(app, EventTypes.Normal, "PreviousConsumerSecretExpired", $"The previous consumer secret of {keyTypes} expired and was removed from Secret {spec.SecretName}", cancellationToken);
        }
    }

    // Labels and annotations others added (e.g. kubectl label) survive our writes.
    private static void MergeForeignMetadata(V1Secret existing, V1Secret desired)
    {
        foreach (var (name, value) in existing.Metadata.Labels ?? new Dictionary<string, string>())
        {
            desired.Metadata.Labels.TryAdd(name, value);
        }

        desired.Metadata.Annotations ??= new Dictionary<string, string>();
        foreach (var (name, value) in existing.Metadata.Annotations ?? new Dictionary<string, string>())
        {
            desired.Metadata.Annotations.TryAdd(name, value);
        }
    }

    private Task<ReconcileResult> WriteStatusAsync(V1Alpha1Application app, V1Alpha1ApplicationStatus status, ReconcileResult result, CancellationToken cancellationToken) =>
        StatusUpdate.ApplyAsync(applications, app, status, result, cancellationToken);
}
