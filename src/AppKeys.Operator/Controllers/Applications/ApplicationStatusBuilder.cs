using AppKeys.Operator.Apis;
using AppKeys.Runtime.Status;

namespace AppKeys.Operator.Controllers.Applications;

/// <summary>
/// Computes an Application's status: the operator's record of its identity (application id, consumer keys) and of
/// digests and times of its consumer secrets. Never a consumer secret.
/// </summary>
public static class ApplicationStatusBuilder
{
    public static V1Alpha1ApplicationStatus Ready(V1Alpha1Application application, EffectiveApplicationSpec spec, ApplicationCredentialsPlan plan, V1Alpha1WrittenSecret secret, DateTimeOffset now)
    {
        var status = new V1Alpha1ApplicationStatus
        {
            Conditions = Conditions.Copy(application.Status?.Conditions),
            ObservedGeneration = application.Metadata.Generation,
            ApplicationId = plan.ApplicationId,
            SecretName = spec.SecretName,
            Secrets = [secret],
            ObservedRegenerateRequest = plan.ObservedRegenerateRequest,
            Keys = [.. spec.KeyTypes.Select(k => new V1Alpha1ApplicationKeyEntry
            {
                KeyType = k,
                ConsumerKey = plan.ConsumerKeys.GetValueOrDefault(k),
                SecretHash = plan.SecretHashes.GetValueOrDefault(k),
                PreviousSecretHash = plan.PreviousSecretHashes.GetValueOrDefault(k),
                SecretCreatedAt = plan.SecretCreatedAt.TryGetValue(k, out var createdAt) ? createdAt.UtcDateTime : null,
                PreviousSecretExpiresAt = plan.PreviousSecretExpiresAt.TryGetValue(k, out var expiresAt) ? expiresAt.UtcDateTime : null,
            })],
        };
        Conditions.Set(
            status,
            ConditionTypes.Ready,
            true,
            ConditionReasons.CredentialsReady,
            $"Consumer credentials for {string.Join(", ", spec.KeyTypes)} are in Secret {spec.SecretName}",
            application.Metadata.Generation,
            now);
        return status;
    }

    /// <summary>The recorded identity is kept as it is: a Not Ready Application keeps its record.</summary>
    public static V1Alpha1ApplicationStatus NotReady(V1Alpha1Application application, NotReady problem, DateTimeOffset now)
    {
        var status = application.Status;
        var notReady = new V1Alpha1ApplicationStatus
        {
            Conditions = Conditions.Copy(status?.Conditions),
            ObservedGeneration = application.Metadata.Generation,
            ApplicationId = status?.ApplicationId,
            Keys = status?.Keys is null ? null : [.. status.Keys.Select(Copy)],
            SecretName = status?.SecretName,
            Secrets = status?.Secrets is null ? null : [.. status.Secrets.Select(s => new V1Alpha1WrittenSecret { Name = s.Name, Uid = s.Uid, ResourceVersion = s.ResourceVersion })],
            ObservedRegenerateRequest = status?.ObservedRegenerateRequest,
        };
        Conditions.Set(notReady, ConditionTypes.Ready, false, problem.Reason, problem.Message, application.Metadata.Generation, now);
        return notReady;
    }

    private static V1Alpha1ApplicationKeyEntry Copy(V1Alpha1ApplicationKeyEntry e) => new()
    {
        KeyType = e.KeyType,
        ConsumerKey = e.ConsumerKey,
        SecretHash = e.SecretHash,
        PreviousSecretHash = e.PreviousSecretHash,
        SecretCreatedAt = e.SecretCreatedAt,
        PreviousSecretExpiresAt = e.PreviousSecretExpiresAt,
    };
}
