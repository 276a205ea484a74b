using AppKeys.Credentials;
using AppKeys.Operator.Apis;
using AppKeys.Operator.Controllers;
using AppKeys.Operator.Controllers.ApplicationKeys;
using AppKeys.Operator.Controllers.Applications;
using AppKeys.Runtime;
using AppKeys.Runtime.Informers;
using k8s.Models;

namespace AppKeys.Operator.KeyManager;

/// <summary>
/// OAuth clients from the informer caches (no API request): the Application whose status lists a consumer key, and
/// the consumer secrets in its Secret (the previous one too while its grace period lasts).
/// </summary>
public sealed class ClientDirectory(IInformer<V1Alpha1Application> applications, IInformer<V1Secret> secrets, TimeProvider time)
{
    /// <summary>
    /// Whether the caches have been filled once: before that every client is unknown, and a replica that answered
    /// would call valid tokens inactive and refuse valid clients (the endpoints answer 503 instead).
    /// </summary>
    public bool IsSynced => applications.HasSynced && secrets.HasSynced;

    /// <summary>The client <paramref name="consumerKey"/> while its key type is enabled and its Application valid; else null.</summary>
    public OAuthClient? Find(string consumerKey)
    {
        if (!ConsumerCredentialGenerator.IsWellFormedConsumerKey(consumerKey))
        {
            return null;
        }

        var matches = applications.Store.ByIndex(ConsumerKeyIndex.Name, consumerKey);
        if (matches.Count != 1 || matches[0].Metadata.DeletionTimestamp is not null)
        {
            // None, or two Applications claiming one key (a restored copy): answer for neither.
            return null;
        }

        var application = matches[0];
        var spec = EffectiveApplicationSpec.From(application);
        var entry = application.Status!.Keys!.First(k => k.ConsumerKey == consumerKey);
        return spec.KeyTypes.Contains(entry.KeyType, StringComparer.Ordinal) && ApplicationValidator.Validate(application) is null
            ? new OAuthClient(consumerKey, entry.KeyType, application, spec)
            : null;
    }

    /// <summary>
    /// The client when <paramref name="consumerSecret"/> is its current consumer secret, or its previous one within
    /// the grace period; compared in constant time (both are always compared).
    /// </summary>
    public OAuthClient? Authenticate(string consumerKey, string consumerSecret)
    {
        var client = Find(consumerKey);
        if (client is null)
        {
            // Same work as a known client, so timing does not tell whether the key exists.
            SecretComparer.FixedTimeEquals(consumerSecret, consumerKey);
            return null;
        }

        var secretName = client.Application.Status?.SecretName ?? client.Spec.SecretName;
        var secret = secrets.Store.Get(new ObjectKey(client.Namespace, secretName));
        // Only credentials that agree with the identity recorded in the Application's status (operator-owned).
        var credentials = ApplicationCredentials.For(client.Application, secret, client.KeyType).Credentials;
        if (credentials is null || credentials.Current.ConsumerKey != consumerKey)
        {
            return null;
        }

        var current = SecretComparer.FixedTimeEquals(new SecretValue(consumerSecret), credentials.Current.ConsumerSecret);
        var previous = PreviousSecret(secret!, client.KeyType, credentials.Previous) is { } old && SecretComparer.FixedTimeEquals(new SecretValue(consumerSecret), old);
        return current || previous ? client : null;
    }

    /// <summary>The recorded previous consumer secret while its grace period lasts.</summary>
    private SecretValue? PreviousSecret(V1Secret secret, string keyType, SecretValue? previous)
    {
        var expiresAt = secret.Data?.TryGetValue(ApplicationSecretData.PreviousConsumerSecretExpiresAt(keyType), out var bytes) == true && bytes is not null
            ? Rfc3339.Parse(System.Text.Encoding.UTF8.GetString(bytes))
            : null;
        return previous is not null && expiresAt is { } exp && exp > time.GetUtcNow() ? previous : null;
    }
}
