using System.Text;
using AppKeys.Credentials;
using AppKeys.Operator.Apis;
using AppKeys.Operator.Controllers.Applications;
using AppKeys.Operator.Metrics;
using AppKeys.Operator.Signing;
using AppKeys.Runtime;
using AppKeys.Runtime.Client;
using AppKeys.Runtime.Controllers;
using AppKeys.Runtime.Events;
using AppKeys.Runtime.Informers;
using AppKeys.Runtime.Status;
using k8s.Models;

namespace AppKeys.Operator.Controllers.ApplicationKeys;

/// <summary>
/// Keeps a valid token for an ApplicationKey in its Secret: waits for the Application, validates, asks
/// <see cref="IssuancePolicy"/> whether a new token is needed, writes the Secret (only one it owns), reports status,
/// and schedules the next look at the renewal time. Deleting the Application revokes the key (its Secret is deleted).
/// </summary>
public sealed class ApplicationKeyReconciler(
    IResourceClient<V1Alpha1ApplicationKey> keys,
    IResourceClient<V1Secret> secrets,
    IInformer<V1Secret> managedSecrets,
    IInformer<V1Alpha1Application> applications,
    TokenIssuance issuance,
    IEventRecorder events,
    OperatorMetrics metrics,
    TimeProvider time,
    ILogger<ApplicationKeyReconciler> logger) : IReconciler<V1Alpha1ApplicationKey>
{
    /// <summary>Longest scheduled requeue (long lifetimes are re-checked at least this often).</summary>
    public static readonly TimeSpan MaxRequeue = TimeSpan.FromHours(12);

    /// <summary>How soon a key that needs a token looks again when no signing key is loaded.</summary>
    public static readonly TimeSpan SigningKeysRecheck = TimeSpan.FromSeconds(5);

    public async Task<ReconcileResult> ReconcileAsync(ReconcileRequest<V1Alpha1ApplicationKey> request, CancellationToken cancellationToken)
    {
        var key = request.Object;
        if (key is null)
        {
            metrics.KeyDeleted(request.Key.Namespace ?? "", request.Key.Name);
            return ReconcileResult.Done;
        }

        if (key.Metadata.DeletionTimestamp is not null)
        {
            return ReconcileResult.Done;
        }

        var spec = EffectiveKeySpec.From(key);
        var secret = await ReadSecretAsync(key, spec, cancellationToken);
        var owned = secret is not null && SecretOwnership.IsControlledBy(secret.Metadata, key) ? secret : null;

        if (ApplicationKeyValidator.ValidateSpec(key) is { } invalid)
        {
            return await FinishAsync(key, spec, owned, invalid, cancellationToken);
        }

        if (secret is not null && owned is null)
        {
            var conflict = new NotReady(ConditionReasons.SecretConflict, $"Secret {spec.SecretName} exists and is not owned by this ApplicationKey; it is left untouched");
            return await FinishAsync(key, spec, null, conflict, cancellationToken, ApplicationReconciler.ConflictRecheck);
        }

        var app = applications.Store.Get(new ObjectKey(spec.Namespace, spec.ApplicationName));
        if (app is null || app.Metadata.DeletionTimestamp is not null)
        {
            await RevokeAsync(key, owned, spec, cancellationToken);
            return await FinishAsync(key, spec, null, new NotReady(ConditionReasons.ApplicationNotFound, $"Application {spec.ApplicationName} not found in namespace {spec.Namespace}"), cancellationToken);
        }

        var appSpec = EffectiveApplicationSpec.From(app);
        if (ApplicationKeyValidator.ValidateAgainst(spec, appSpec) is { } refused)
        {
            return await FinishAsync(key, spec, owned, refused, cancellationToken);
        }

        // Only a Secret the Application controls can hold its credentials, and those are always labelled as ours:
        // the cache alone answers (when the Application's Secret is written, its event requeues this key).
        var appSecret = managedSecrets.Store.Get(new ObjectKey(appSpec.Namespace, appSpec.SecretName));
        var (credentials, notReady) = ApplicationCredentialsReader.Read(app, appSpec, appSecret, spec.KeyType);
        if (credentials is null)
        {
            return await FinishAsync(key, spec, owned, notReady, cancellationToken);
        }

        var applicationId = ApplicationCredentialsReader.ApplicationId(appSecret!) ?? app.Metadata.Uid;
        var inputs = issuance.Inputs(spec, appSpec, app.Metadata.Uid, applicationId, credentials.ConsumerKey);
        var record = owned is null ? null : KeySecretRecord.Read(owned);
        var decision = IssuancePolicy.Evaluate(new IssuanceState(
            record,
            key.Status?.Revision ?? 0,
            inputs.Hash(),
            owned is not null && ConsumerSecretMatches(owned, credentials.ConsumerSecret),
            key.Metadata.Annotation(AppKeysAnnotations.Renew),
            spec.RenewBeforeSpan,
            time.GetUtcNow(),
            SignedTokens.KeyIdOf(owned),
            issuance.SigningKeys));

        // Never wait for signing keys: say so and look again shortly (or when the signing Secret changes).
        if (decision is not null && !issuance.CanIssue(inputs.TokenType))
        {
            var unavailable = new NotReady(ConditionReasons.SigningKeysUnavailable, $"A new token is needed ({decision.Reason}) but no published signing key is loaded yet");
            return await FinishAsync(key, spec, owned, unavailable, cancellationToken, SigningKeysRecheck);
        }

        var previousSecret = ApplicationCredentialsReader.PreviousConsumerSecret(appSecret!, spec.KeyType);
        if (decision is not null)
        {
            owned = await IssueAsync(key, spec, owned, record, inputs, credentials, previousSecret, decision, cancellationToken);
        }
        else
        {
            // Metadata and the previous consumer secret (a grace period starting or ending) change without a new token,
            // in one write; the steady state writes nothing.
            var withTemplate = KeySecretBuilder.WithTemplate(owned!, spec);
            var updated = KeySecretBuilder.WithPreviousConsumerSecret(withTemplate ?? owned!, previousSecret) ?? withTemplate;
            if (updated is not null)
            {
                owned = await secrets.ReplaceAsync(updated, cancellationToken);
            }
        }

        await RenamedSecrets.DeleteOldAsync(secrets, key, key.Status?.SecretName, spec.SecretName, spec.Namespace, logger, cancellationToken);
        return await FinishAsync(key, spec, owned, null, cancellationToken);
    }

    private async Task<V1Secret> IssueAsync(
        V1Alpha1ApplicationKey key,
        EffectiveKeySpec spec,
        V1Secret? existing,
        KeySecretRecord? record,
        IssuanceInputs inputs,
        ConsumerCredentials credentials,
        SecretValue? previousConsumerSecret,
        IssuanceDecision decision,
        CancellationToken cancellationToken)
    {
        var token = await issuance.IssueAsync(inputs, cancellationToken);
        var revision = Math.Max(record?.Revision ?? 0, key.Status?.Revision ?? 0) + 1;
        var desired = KeySecretBuilder.Build(key, spec, new KeySecretContent(
            credentials.ConsumerKey,
            credentials.ConsumerSecret,
            token,
            inputs.TokenType,
            inputs.Hash(),
            IssuancePolicy.RequestHash(key.Metadata.Annotation(AppKeysAnnotations.Renew)),
            revision,
            previousConsumerSecret));

        V1Secret written;
        if (existing is null)
        {
            written = await secrets.CreateAsync(desired, cancellationToken);
        }
        else
        {
            desired.Metadata.ResourceVersion = existing.Metadata.ResourceVersion;
            written = await secrets.ReplaceAsync(desired, cancellationToken);
        }

        metrics.Issued(spec.Namespace, decision.Reason);
        var expiry = token.ExpiresAt is { } e ? $"expires at {Rfc3339.ToString(e)}" : "never expires";
        logger.LogInformation("Issued {TokenType} token {TokenId} (revision {Revision}, {Expiry}) into Secret {Secret}: {Reason}", inputs.TokenType, token.TokenId, revision, expiry, spec.SecretName, decision.Reason);
        await events.RecordAsync(key, EventTypes.Normal, "Issued", $"Issued {inputs.TokenType} token {token.TokenId} (revision {revision}, {expiry}) into Secret {spec.SecretName}. {decision.Reason}: {decision.Message}", cancellationToken);
        return written;
    }

    /// <summary>The Application is gone: the key's token and consumer credentials must no longer be handed out.</summary>
    private async Task RevokeAsync(V1Alpha1ApplicationKey key, V1Secret? owned, EffectiveKeySpec spec, CancellationToken cancellationToken)
    {
        if (owned is null)
        {
            return;
        }

        await secrets.DeleteAsync(owned.Metadata.Name, spec.Namespace, cancellationToken: cancellationToken);
        logger.LogInformation("Application {Application} is gone: deleted Secret {Secret}", spec.ApplicationName, owned.Metadata.Name);
        await events.RecordAsync(key, EventTypes.Warning, "Revoked", $"Application {spec.ApplicationName} was deleted: Secret {owned.Metadata.Name} deleted", cancellationToken);
    }

    /// <summary>
    /// The key's Secret from the managed-Secret cache (only Secrets with our managed-by label; never mutate them). A miss
    /// is read from the API server: a Secret in the way without our label (foreign, or ours with the label removed) is
    /// never cached, and one just written may not be yet. So is a cached Secret older than the revision status already
    /// reports (the cache lags behind our own writes).
    /// </summary>
    private async Task<V1Secret?> ReadSecretAsync(V1Alpha1ApplicationKey key, EffectiveKeySpec spec, CancellationToken cancellationToken)
    {
        if (!ObjectNames.IsValid(spec.SecretName))
        {
            return null;
        }

        var cached = managedSecrets.Store.Get(new ObjectKey(spec.Namespace, spec.SecretName));
        if (cached is not null && KeySecretRecord.Read(cached).Revision >= (key.Status?.Revision ?? 0))
        {
            return cached;
        }

        return await secrets.GetAsync(spec.SecretName, spec.Namespace, cancellationToken);
    }

    private static bool ConsumerSecretMatches(V1Secret secret, SecretValue current) =>
        secret.Data?.TryGetValue(KeySecretData.ConsumerSecret, out var bytes) == true
        && bytes is { Length: > 0 }
        && SecretComparer.FixedTimeEquals(Encoding.UTF8.GetString(bytes), current.Reveal());

    private async Task<ReconcileResult> FinishAsync(V1Alpha1ApplicationKey key, EffectiveKeySpec spec, V1Secret? owned, NotReady? problem, CancellationToken cancellationToken, TimeSpan? recheck = null)
    {
        var now = time.GetUtcNow();
        var record = owned is null ? null : KeySecretRecord.Read(owned);
        var status = ApplicationKeyStatusBuilder.Build(key, spec, record, problem, now);
        metrics.KeyState(spec.Namespace, spec.Name, problem is null, status.ExpiresAt, status.RenewalTime);

        var previousReason = Conditions.Find(key.Status?.Conditions, ConditionTypes.Ready)?.Reason;
        if (problem is not null && problem.Reason != previousReason)
        {
            await events.RecordAsync(key, EventTypes.Warning, problem.Reason, problem.Message, cancellationToken);
        }

        var result = recheck is { } r ? ReconcileResult.After(r)
            : problem is null && status.RenewalTime is { } renewal ? ReconcileResult.After(Clamp(new DateTimeOffset(DateTime.SpecifyKind(renewal, DateTimeKind.Utc)) - now))
            : ReconcileResult.Done;

        return await StatusUpdate.ApplyAsync(keys, key, status, result, cancellationToken);
    }

    // Renewal times are whole seconds: wake just after, never in a busy loop, and at least every MaxRequeue.
    private static TimeSpan Clamp(TimeSpan delay) =>
        delay < TimeSpan.Zero ? TimeSpan.FromMilliseconds(100) : delay > MaxRequeue ? MaxRequeue : delay + TimeSpan.FromMilliseconds(50);
}
