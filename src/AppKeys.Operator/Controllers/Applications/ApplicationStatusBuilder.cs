using AppKeys.Operator.Apis;
using AppKeys.Runtime.Status;

namespace AppKeys.Operator.Controllers.Applications;

/// <summary>Computes an Application's status. Never puts a consumer secret in it.</summary>
public static class ApplicationStatusBuilder
{
    public static V1Alpha1ApplicationStatus Ready(V1Alpha1Application application, EffectiveApplicationSpec spec, ApplicationCredentialsPlan plan, DateTimeOffset now)
    {
        var status = Copy(application.Status);
        status.ApplicationId = plan.ApplicationId;
        status.SecretName = spec.SecretName;
        status.Keys = [.. spec.KeyTypes.Select(k => new V1Alpha1ApplicationKeyEntry
        {
            KeyType = k,
            ConsumerKey = plan.ConsumerKeys[k],
            SecretCreatedAt = plan.SecretCreatedAt.TryGetValue(k, out var createdAt) ? createdAt.UtcDateTime : null,
            PreviousSecretExpiresAt = plan.PreviousSecretExpiresAt.TryGetValue(k, out var expiresAt) ? expiresAt.UtcDateTime : null,
        })];
        status.ObservedGeneration = application.Metadata.Generation;
        Conditions.Set(
            status.Conditions!,
            ConditionTypes.Ready,
            true,
            ConditionReasons.CredentialsReady,
            $"Consumer credentials for {string.Join(", ", spec.KeyTypes)} are in Secret {spec.SecretName}",
            application.Metadata.Generation,
            now);
        return status;
    }

    public static V1Alpha1ApplicationStatus NotReady(V1Alpha1Application application, NotReady problem, DateTimeOffset now)
    {
        var status = Copy(application.Status);
        status.ObservedGeneration = application.Metadata.Generation;
        Conditions.Set(status.Conditions!, ConditionTypes.Ready, false, problem.Reason, problem.Message, application.Metadata.Generation, now);
        return status;
    }

    private static V1Alpha1ApplicationStatus Copy(V1Alpha1ApplicationStatus? status) => new()
    {
        Conditions = ConditionCopies.Of(status?.Conditions),
        ObservedGeneration = status?.ObservedGeneration,
        ApplicationId = status?.ApplicationId,
        Keys = status?.Keys is null ? null : [.. status.Keys],
        SecretName = status?.SecretName,
    };
}
