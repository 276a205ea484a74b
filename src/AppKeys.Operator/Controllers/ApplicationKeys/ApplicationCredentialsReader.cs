using System.Text;
using AppKeys.Credentials;
using AppKeys.Operator.Apis;
using AppKeys.Operator.Controllers.Applications;
using k8s.Models;

namespace AppKeys.Operator.Controllers.ApplicationKeys;

/// <summary>Reads one key type's consumer credentials from an Application's Secret, or says why it cannot.</summary>
public static class ApplicationCredentialsReader
{
    public static (ConsumerCredentials? Credentials, NotReady? Problem) Read(V1Alpha1Application application, EffectiveApplicationSpec spec, V1Secret? secret, string keyType)
    {
        if (ApplicationValidator.Validate(application) is { } invalid)
        {
            return (null, new NotReady(ConditionReasons.ApplicationNotReady, $"Application {spec.Name} is not valid: {invalid.Message}"));
        }

        if (secret is null || !SecretOwnership.IsControlledBy(secret.Metadata, application))
        {
            return (null, new NotReady(ConditionReasons.ApplicationNotReady, $"Application {spec.Name} has no credentials yet (Secret {spec.SecretName})"));
        }

        var consumerKey = Get(secret, ApplicationSecretData.ConsumerKey(keyType));
        var consumerSecret = Get(secret, ApplicationSecretData.ConsumerSecret(keyType));
        if (!ConsumerCredentialGenerator.IsWellFormedConsumerKey(consumerKey) || !ConsumerCredentialGenerator.IsWellFormedConsumerSecret(consumerSecret))
        {
            return (null, new NotReady(ConditionReasons.ApplicationNotReady, $"Application {spec.Name} has no {keyType} credentials yet"));
        }

        return (new ConsumerCredentials(consumerKey!, new SecretValue(consumerSecret!)), null);
    }

    /// <summary>The key type's previous consumer secret while its grace period lasts (the Application's reconciler removes it at expiry).</summary>
    public static SecretValue? PreviousConsumerSecret(V1Secret secret, string keyType) =>
        Get(secret, ApplicationSecretData.PreviousConsumerSecret(keyType)) is { } previous && ConsumerCredentialGenerator.IsWellFormedConsumerSecret(previous)
            ? new SecretValue(previous)
            : null;

    public static string? ApplicationId(V1Secret secret) => Get(secret, ApplicationSecretData.ApplicationId);

    private static string? Get(V1Secret secret, string key) =>
        secret.Data?.TryGetValue(key, out var bytes) == true && bytes is not null ? Encoding.UTF8.GetString(bytes) : null;
}
