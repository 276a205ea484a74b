using System.Text;
using AppKeys.Credentials;

namespace AppKeys.Operator.Controllers.Applications;

/// <summary>
/// Decides the content of an Application's Secret. Existing well-formed credentials are always kept (restart, resync
/// and unrelated edits change nothing); missing or malformed ones are generated; consumer secrets are regenerated only
/// when the <c>appkeys.io/regenerate-secret</c> annotation carries a value not honoured before.
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
    public static ApplicationCredentialsPlan Plan(
        IDictionary<string, byte[]>? existingData,
        string? observedRequest,
        string? regenerateAnnotation,
        IReadOnlyList<string> enabledKeyTypes,
        string? statusApplicationId,
        Func<string> generateConsumerKey,
        Func<SecretValue> generateConsumerSecret)
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
        var regenerated = new List<string>();
        var consumerKeys = new Dictionary<string, string>(StringComparer.Ordinal);

        foreach (var keyType in enabledKeyTypes)
        {
            var consumerKey = Read(existing, ApplicationSecretData.ConsumerKey(keyType));
            var consumerSecret = Read(existing, ApplicationSecretData.ConsumerSecret(keyType));
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
            }
            else if (regenerate || !ConsumerCredentialGenerator.IsWellFormedConsumerSecret(consumerSecret))
            {
                consumerSecret = generateConsumerSecret().Reveal();
                regenerated.Add(keyType);
            }

            consumerKeys[keyType] = consumerKey!;
            data[ApplicationSecretData.ConsumerKey(keyType)] = Encoding.UTF8.GetBytes(consumerKey!);
            data[ApplicationSecretData.ConsumerSecret(keyType)] = Encoding.UTF8.GetBytes(consumerSecret!);
        }

        return new ApplicationCredentialsPlan(data, applicationId, observed, generated, regenerated, consumerKeys);
    }

    private static string? Read(IDictionary<string, byte[]> data, string key) =>
        data.TryGetValue(key, out var bytes) && bytes is { Length: > 0 } ? Encoding.UTF8.GetString(bytes) : null;

    private static string? ValidUuid(string? value) => Guid.TryParse(value, out var guid) ? guid.ToString() : null;
}
