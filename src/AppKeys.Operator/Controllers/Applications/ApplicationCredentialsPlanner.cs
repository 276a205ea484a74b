using System.Text;
using AppKeys.Credentials;

namespace AppKeys.Operator.Controllers.Applications;

/// <summary>
/// Decides the content of an Application's Secret at a given time. Existing well-formed credentials are always kept
/// (restart, resync and unrelated edits change nothing); missing or malformed ones are generated; consumer secrets are
/// regenerated when the <c>appkeys.io/regenerate-secret</c> annotation carries a value not honoured before, or, with a
/// rotation period, once they are older than it. With a grace period the replaced secret is kept beside the new one
/// until it expires. Pure: the same inputs (and generators) always give the same answer.
/// </summary>
public static class ApplicationCredentialsPlanner
{
    /// <param name="existingData">Data of the Secret the Application controls, or null when there is none.</param>
    /// <param name="observedRequest">The Secret's record of the last honoured regenerate request.</param>
    /// <param name="regenerateAnnotation">Current value of the regenerate annotation on the Application.</param>
    /// <param name="enabledKeyTypes">Key types the spec enables.</param>
    /// <param name="statusApplicationId">Application id from status, used when the Secret has none (restored Secret lost).</param>
    /// <param name="generateConsumerKey">Consumer key source (CSPRNG in production).</param>
    /// <param name="generateConsumerSecret">Consumer secret source (CSPRNG in production).</param>
    /// <param name="rotation">The effective <c>spec.secretRotation</c>; null: no rotation (nothing time-dependent is stored).</param>
    /// <param name="now">The current time (from the injected TimeProvider); only read when <paramref name="rotation"/> is set.</param>
    public static ApplicationCredentialsPlan Plan(
        IDictionary<string, byte[]>? existingData,
        string? observedRequest,
        string? regenerateAnnotation,
        IReadOnlyList<string> enabledKeyTypes,
        string? statusApplicationId,
        Func<string> generateConsumerKey,
        Func<SecretValue> generateConsumerSecret,
        SecretRotationSettings? rotation = null,
        DateTimeOffset now = default)
    {
        var existing = existingData ?? new Dictionary<string, byte[]>();
        var requestHash = string.IsNullOrEmpty(regenerateAnnotation) ? null : Hashes.Of(regenerateAnnotation);

        // A regenerate request present when the Secret is first created is honoured by the creation itself.
        var regenerate = existingData is not null && requestHash is not null && !Hashes.Equal(requestHash, observedRequest);
        var observed = existingData is null || regenerate ? requestHash : observedRequest;

        var applicationId = ValidUuid(Read(existing, ApplicationSecretData.ApplicationId))
            ?? ValidUuid(statusApplicationId)
            ?? Guid.NewGuid().ToString();

        var data = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            [ApplicationSecretData.ApplicationId] = Encoding.UTF8.GetBytes(applicationId),
        };
        var generated = new List<string>();
        var regenerated = new Dictionary<string, string>(StringComparer.Ordinal);
        var consumerKeys = new Dictionary<string, string>(StringComparer.Ordinal);
        var createdAt = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var previousExpiresAt = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var previousExpired = new List<string>();
        DateTimeOffset? nextChange = null;

        // Stored times are whole seconds; the current second counts as started.
        var second = TruncateToSecond(now);

        foreach (var keyType in enabledKeyTypes)
        {
            var consumerKey = Read(existing, ApplicationSecretData.ConsumerKey(keyType));
            var consumerSecret = Read(existing, ApplicationSecretData.ConsumerSecret(keyType));
            var secretCreatedAt = Rfc3339.Parse(Read(existing, ApplicationSecretData.ConsumerSecretCreatedAt(keyType)));
            var previous = Read(existing, ApplicationSecretData.PreviousConsumerSecret(keyType));
            var previousExpiry = Rfc3339.Parse(Read(existing, ApplicationSecretData.PreviousConsumerSecretExpiresAt(keyType)));

            var hadPrevious = previous is not null;
            var keyUsable = ConsumerCredentialGenerator.IsWellFormedConsumerKey(consumerKey) && !consumerKeys.ContainsValue(consumerKey!);
            if (!keyUsable)
            {
                do
                {
                    consumerKey = generateConsumerKey();
                }
                while (consumerKeys.ContainsValue(consumerKey));

                consumerSecret = generateConsumerSecret().Reveal();
                generated.Add(keyType);
                secretCreatedAt = second;
                (previous, previousExpiry) = (null, null);
            }
            else if (RegenerationReason(regenerate, consumerSecret, secretCreatedAt, rotation, now) is { } reason)
            {
                var replaced = consumerSecret;
                consumerSecret = generateConsumerSecret().Reveal();
                regenerated[keyType] = reason;
                secretCreatedAt = second;

                // The replaced secret stays valid for the grace period; a previous one still in its grace period is
                // dropped (one previous secret at a time). A malformed secret is no credential to keep.
                var keepReplaced = reason != RegenerationReasons.Repaired && rotation is not null && rotation.GracePeriod > TimeSpan.Zero;
                previous = keepReplaced ? replaced : null;
                previousExpiry = keepReplaced ? CeilingToSecond(now + rotation!.GracePeriod) : null;
            }
            else
            {
                // Secrets written before rotation was configured (or before an upgrade) count as created now: they are
                // never regenerated at once.
                secretCreatedAt ??= second;
            }

            consumerKeys[keyType] = consumerKey!;
            data[ApplicationSecretData.ConsumerKey(keyType)] = Encoding.UTF8.GetBytes(consumerKey!);
            data[ApplicationSecretData.ConsumerSecret(keyType)] = Encoding.UTF8.GetBytes(consumerSecret!);
            if (rotation is null)
            {
                if (hadPrevious)
                {
                    previousExpired.Add(keyType);
                }

                continue;
            }

            data[ApplicationSecretData.ConsumerSecretCreatedAt(keyType)] = Encoding.UTF8.GetBytes(Rfc3339.ToString(secretCreatedAt!.Value));
            createdAt[keyType] = secretCreatedAt.Value;
            if (rotation.Period is { } period)
            {
                nextChange = Earliest(nextChange, secretCreatedAt.Value + period);
            }

            if (previous is not null)
            {
                // A shortened grace period re-times a running one: from now on it lasts at most the new grace period.
                DateTimeOffset? expiry = previousExpiry is { } stored ? Earliest(stored, CeilingToSecond(now + rotation.GracePeriod)) : null;
                if (expiry is { } e && e > now && ConsumerCredentialGenerator.IsWellFormedConsumerSecret(previous) && !SecretComparer.FixedTimeEquals(previous, consumerSecret!))
                {
                    data[ApplicationSecretData.PreviousConsumerSecret(keyType)] = Encoding.UTF8.GetBytes(previous);
                    data[ApplicationSecretData.PreviousConsumerSecretExpiresAt(keyType)] = Encoding.UTF8.GetBytes(Rfc3339.ToString(e));
                    previousExpiresAt[keyType] = e;
                    nextChange = Earliest(nextChange, e);
                }
            }

            if (hadPrevious && !previousExpiresAt.ContainsKey(keyType))
            {
                previousExpired.Add(keyType);
            }
        }

        return new ApplicationCredentialsPlan(data, applicationId, observed, generated, regenerated, consumerKeys, createdAt, previousExpiresAt, previousExpired, nextChange);
    }

    private static string? RegenerationReason(bool requested, string? consumerSecret, DateTimeOffset? createdAt, SecretRotationSettings? rotation, DateTimeOffset now) =>
        requested ? RegenerationReasons.Requested
        : !ConsumerCredentialGenerator.IsWellFormedConsumerSecret(consumerSecret) ? RegenerationReasons.Repaired
        : rotation?.Period is { } period && createdAt is { } created && now >= created + period ? RegenerationReasons.Periodic
        : null;

    private static DateTimeOffset Earliest(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x < b ? x : b;

    private static DateTimeOffset TruncateToSecond(DateTimeOffset value) =>
        new(value.UtcTicks - (value.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

    private static DateTimeOffset CeilingToSecond(DateTimeOffset value)
    {
        var truncated = TruncateToSecond(value);
        return truncated == value.ToUniversalTime() ? truncated : truncated.AddSeconds(1);
    }

    private static string? Read(IDictionary<string, byte[]> data, string key) =>
        data.TryGetValue(key, out var bytes) && bytes is { Length: > 0 } ? Encoding.UTF8.GetString(bytes) : null;

    private static string? ValidUuid(string? value) => Guid.TryParse(value, out var guid) ? guid.ToString() : null;
}
