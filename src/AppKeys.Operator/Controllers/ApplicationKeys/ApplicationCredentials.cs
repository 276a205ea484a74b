using System.Text;
using AppKeys.Credentials;
using AppKeys.Operator.Apis;
using AppKeys.Operator.Controllers.Applications;
using k8s.Models;

namespace AppKeys.Operator.Controllers.ApplicationKeys;

/// <summary>
/// One key type's credentials for a key: the identity (application id, consumer key) from the Application's status,
/// which only the operator writes; the consumer secret from the Application's Secret, accepted only when that Secret
/// agrees with the record (same consumer key, a consumer secret with the recorded digest). A Secret that disagrees is
/// being repaired by the Application's reconciler, whose writes requeue the key: the key waits, changing nothing.
/// </summary>
public static class ApplicationCredentials
{
    /// <summary>Credentials, or why there are none: <see cref="Result.NotReady"/> to report, or neither to wait quietly.</summary>
    public sealed record Result(KeyCredentials? Credentials, NotReady? NotReady);

    public static Result For(V1Alpha1Application application, V1Secret? secret, string keyType)
    {
        var name = application.Metadata.Name;
        var entry = application.Status?.Keys?.FirstOrDefault(k => k.KeyType == keyType);
        if (entry?.ConsumerKey is not { } consumerKey || !Guid.TryParse(application.Status?.ApplicationId, out var applicationId))
        {
            return new Result(null, new NotReady(ConditionReasons.ApplicationNotReady, $"Application {name} has no {keyType} credentials yet"));
        }

        if (secret is null || !Ownership.IsControlledBy(secret, application))
        {
            return new Result(null, null);
        }

        var storedKey = Read(secret, ApplicationSecretData.ConsumerKey(keyType));
        var consumerSecret = Read(secret, ApplicationSecretData.ConsumerSecret(keyType));
        if (storedKey != consumerKey || consumerSecret is null || !Hashes.Equal(Hashes.Of(consumerSecret), entry.SecretHash))
        {
            return new Result(null, null);
        }

        var previous = Read(secret, ApplicationSecretData.PreviousConsumerSecret(keyType)) is { } p && Hashes.Equal(Hashes.Of(p), entry.PreviousSecretHash)
            ? new SecretValue(p)
            : null;
        return new Result(new KeyCredentials(applicationId.ToString(), new ConsumerCredentials(consumerKey, new SecretValue(consumerSecret)), previous), null);
    }

    private static string? Read(V1Secret secret, string key) =>
        secret.Data?.TryGetValue(key, out var bytes) == true && bytes is { Length: > 0 } ? Encoding.UTF8.GetString(bytes) : null;
}
