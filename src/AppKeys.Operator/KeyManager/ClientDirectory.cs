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
/// the consumer secrets in its Secret (the previous one too while its grace period lasts). Read through the caches'
/// views (<see cref="ClientsView"/>, <see cref="SecretView"/>), derived once per version of an object, so a request
/// copies and validates nothing.
/// </summary>
public sealed class ClientDirectory(IInformer<V1Alpha1Application> applications, IInformer<V1Secret> secrets, TimeProvider time)
{
    // Per client (one per Application version, see ClientsView): what its Secret's current version was found to hold.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<OAuthClient, AcceptedCredentials> accepted = new();

    /// <summary>The Application informer's view: its valid OAuth clients by consumer key (<see cref="Clients"/>).</summary>
    public const string ClientsView = "oauth-clients";

    /// <summary>The Secret informer's view: a private copy of the Secret, shared by the key manager's readers (never mutated).</summary>
    public const string SecretView = "oauth-secret";

    /// <summary>The <see cref="ClientsView"/> of <paramref name="application"/>: an OAuth client per enabled key type, none while it is deleted or invalid.</summary>
    public static object Clients(V1Alpha1Application application)
    {
        ArgumentNullException.ThrowIfNull(application);
        if (application.Metadata.DeletionTimestamp is not null || application.Status?.Keys is not { Count: > 0 } entries || ApplicationValidator.Validate(application) is not null)
        {
            return ApplicationClients.None;
        }

        var copy = KubernetesObjects.Clone(application);
        var spec = EffectiveApplicationSpec.From(copy);
        var clients = new Dictionary<string, OAuthClient>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (entry.ConsumerKey is { } key && spec.KeyTypes.Contains(entry.KeyType, StringComparer.Ordinal))
            {
                clients.TryAdd(key, new OAuthClient(key, entry.KeyType, copy, spec));
            }
        }

        return new ApplicationClients(clients);
    }

    /// <summary>The <see cref="SecretView"/>: a copy of <paramref name="secret"/> made once per version.</summary>
    public static object Secret(V1Secret secret) => KubernetesObjects.Clone(secret);

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

        // None, or two Applications claiming one key (a restored copy): answer for neither.
        var matches = applications.Store.ViewsByIndex<ApplicationClients>(ConsumerKeyIndex.Name, consumerKey, ClientsView);
        return matches.Count == 1 && matches[0].ByConsumerKey.TryGetValue(consumerKey, out var client) ? client : null;
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
        var secret = secrets.Store.View<V1Secret>(SecretView, new ObjectKey(client.Namespace, secretName));
        var accepted = Accepted(client, secret);
        if (accepted.Credentials is not { } credentials || credentials.Current.ConsumerKey != consumerKey)
        {
            return null;
        }

        var current = SecretComparer.FixedTimeEquals(new SecretValue(consumerSecret), credentials.Current.ConsumerSecret);
        var previous = credentials.Previous is { } old && accepted.PreviousExpiresAt is { } exp && exp > time.GetUtcNow()
            && SecretComparer.FixedTimeEquals(new SecretValue(consumerSecret), old);
        return current || previous ? client : null;
    }

    /// <summary>
    /// The credentials of <paramref name="client"/> that its Secret holds and its Application's status vouches for
    /// (<see cref="ApplicationCredentials.For"/>), and when the previous consumer secret stops being accepted; worked
    /// out once per version of the two objects (both views are shared per version), not per request.
    /// </summary>
    private AcceptedCredentials Accepted(OAuthClient client, V1Secret? secret)
    {
        if (secret is null)
        {
            return AcceptedCredentials.None;
        }

        if (accepted.TryGetValue(client, out var cached) && ReferenceEquals(cached.Secret, secret))
        {
            return cached;
        }

        var credentials = ApplicationCredentials.For(client.Application, secret, client.KeyType).Credentials;
        var expiresAt = secret.Data?.TryGetValue(ApplicationSecretData.PreviousConsumerSecretExpiresAt(client.KeyType), out var bytes) == true && bytes is not null
            ? Rfc3339.Parse(System.Text.Encoding.UTF8.GetString(bytes))
            : null;
        var fresh = new AcceptedCredentials(secret, credentials, expiresAt);
        accepted.AddOrUpdate(client, fresh);
        return fresh;
    }

    private sealed record AcceptedCredentials(V1Secret? Secret, KeyCredentials? Credentials, DateTimeOffset? PreviousExpiresAt)
    {
        public static readonly AcceptedCredentials None = new(null, null, null);
    }
}

/// <summary>The OAuth clients of one Application version (shared by readers; never mutated).</summary>
public sealed class ApplicationClients(IReadOnlyDictionary<string, OAuthClient> byConsumerKey)
{
    public static readonly ApplicationClients None = new(new Dictionary<string, OAuthClient>(StringComparer.Ordinal));

    public IReadOnlyDictionary<string, OAuthClient> ByConsumerKey { get; } = byConsumerKey;
}
