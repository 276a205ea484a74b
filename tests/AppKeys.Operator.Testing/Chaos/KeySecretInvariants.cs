using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using AppKeys.Credentials;
using AppKeys.Operator.Apis;
using AppKeys.Operator.Controllers.ApplicationKeys;
using AppKeys.Operator.Controllers.Applications;
using AppKeys.Runtime.Client;
using k8s.Models;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AppKeys.Operator.Testing.Chaos;

/// <summary>
/// The chaos runs' final checks of the Applications' consumer credentials and of every key's Secret, the same for the
/// JIT and the native run: each problem found is added to a list (the callers assert it empty).
/// </summary>
public static class KeySecretInvariants
{
    private static readonly JsonWebTokenHandler Handler = new();

    /// <summary>Consumer credentials: unchanged, except the consumer secrets of the Application asked to regenerate them.</summary>
    public static void CheckConsumerCredentials(
        IReadOnlyList<ApplicationPlan> apps,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> appSecretsBefore,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> appSecrets,
        List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(apps);
        ArgumentNullException.ThrowIfNull(appSecretsBefore);
        ArgumentNullException.ThrowIfNull(appSecrets);
        ArgumentNullException.ThrowIfNull(problems);
        foreach (var app in apps)
        {
            var before = appSecretsBefore[app.ToString()];
            var after = appSecrets[app.ToString()];
            foreach (var keyType in app.KeyTypes)
            {
                var consumerKey = ApplicationSecretData.ConsumerKey(keyType);
                var consumerSecret = ApplicationSecretData.ConsumerSecret(keyType);
                if (before[consumerKey] != after[consumerKey])
                {
                    problems.Add($"{app}: the {keyType} consumer key changed");
                }

                var secretChanged = !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(before[consumerSecret]), Encoding.UTF8.GetBytes(after[consumerSecret]));
                if (secretChanged != app.Regenerate)
                {
                    problems.Add(app.Regenerate ? $"{app}: the {keyType} consumer secret was not regenerated" : $"{app}: the {keyType} consumer secret changed unasked");
                }
            }
        }
    }

    /// <summary>
    /// Checks the Secret of <paramref name="plan"/>'s key against the key (<paramref name="key"/>, its final state) and
    /// its Application's Secret; adds the Secret to <paramref name="seen"/>. Returns the Secret's access token, or null
    /// when the Secret is lost (reported as a problem, nothing else checked).
    /// </summary>
    /// <param name="plan">The key's plan.</param>
    /// <param name="key">The ApplicationKey as the run ended.</param>
    /// <param name="secrets">Reads the key's Secret (retried through faults).</param>
    /// <param name="appSecrets">The Applications' Secrets' data now, by <c>namespace/name</c>.</param>
    /// <param name="seen">Collects the secret values for the hygiene scan.</param>
    /// <param name="statusHasConsumerKey">Whether the key's status must carry the Application's consumer key too.</param>
    /// <param name="jwtValidation">The validation parameters of a JWT key's token (signing keys included), from its plan and consumer key.</param>
    /// <param name="now">
    /// When set, the operators' (fake) clock: a JWT that expires must expire after it (<paramref name="jwtValidation"/>
    /// then does not check the lifetime). When null, <paramref name="jwtValidation"/> checks it against the real clock.
    /// </param>
    /// <param name="problems">Where the problems found are added.</param>
    public static async Task<string?> CheckKeySecretAsync(
        KeyPlan plan,
        V1Alpha1ApplicationKey key,
        IResourceClient<V1Secret> secrets,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> appSecrets,
        SecretValueCollector seen,
        bool statusHasConsumerKey,
        Func<KeyPlan, string, TokenValidationParameters> jwtValidation,
        DateTimeOffset? now,
        List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(secrets);
        ArgumentNullException.ThrowIfNull(appSecrets);
        ArgumentNullException.ThrowIfNull(seen);
        ArgumentNullException.ThrowIfNull(jwtValidation);
        ArgumentNullException.ThrowIfNull(problems);
        var id = plan.ToString();
        var status = key.Status!;
        var secret = await Resilient.CallAsync(() => secrets.GetAsync(plan.Name, plan.Namespace), $"get Secret {id}");
        if (secret?.Data is null)
        {
            problems.Add($"{id}: Secret lost");
            return null;
        }

        seen.Add(secret);
        var data = secret.Data.ToDictionary(e => e.Key, e => Encoding.UTF8.GetString(e.Value), StringComparer.Ordinal);
        var owner = secret.Metadata.OwnerReferences?.SingleOrDefault(o => o.Controller == true);
        if (owner?.Uid != key.Metadata.Uid || Get(secret.Metadata.Labels, AppKeysLabels.ManagedBy) != AppKeysApi.ManagerName)
        {
            problems.Add($"{id}: Secret lacks its controller owner reference or managed-by label");
        }

        if (plan.ChangeTemplate && Get(secret.Metadata.Labels, ChaosWorld.TemplateLabel) != "yes")
        {
            problems.Add($"{id}: the secretTemplate label did not reach the Secret");
        }

        var app = appSecrets[plan.Application.ToString()];
        var consumerKey = app[ApplicationSecretData.ConsumerKey(plan.KeyType)];
        if (data[KeySecretData.ConsumerKey] != consumerKey || (statusHasConsumerKey && status.ConsumerKey != consumerKey)
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(data[KeySecretData.ConsumerSecret]), Encoding.UTF8.GetBytes(app[ApplicationSecretData.ConsumerSecret(plan.KeyType)])))
        {
            problems.Add(statusHasConsumerKey
                ? $"{id}: the Secret's or status's consumer credentials are not the Application's current ones"
                : $"{id}: the Secret's consumer credentials are not the Application's current ones");
        }

        if (Get(secret.Metadata.Annotations, AppKeysAnnotations.TokenId) != status.TokenId
            || Get(secret.Metadata.Annotations, AppKeysAnnotations.Revision) != status.Revision?.ToString(CultureInfo.InvariantCulture))
        {
            problems.Add($"{id}: status (token id, revision) disagrees with the Secret");
        }

        var token = data[KeySecretData.AccessToken];
        if (plan.Application.TokenType == TokenTypes.Opaque)
        {
            if (TokenFingerprint.Compute(token) != status.TokenId)
            {
                problems.Add($"{id}: the opaque token does not match its recorded fingerprint");
            }
        }
        else
        {
            var result = await Handler.ValidateTokenAsync(token, jwtValidation(plan, consumerKey));
            if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt || jwt.Id != status.TokenId)
            {
                problems.Add($"{id}: the JWT does not verify against the JWKS ({result.Exception?.GetType().Name})");
            }
            else if (plan.NeverExpires == jwt.TryGetPayloadValue<long>("exp", out var exp) || (now is { } clock && !plan.NeverExpires && DateTimeOffset.FromUnixTimeSeconds(exp) <= clock))
            {
                problems.Add($"{id}: the JWT's expiry is wrong for validity {plan.ValidityPeriod}");
            }
        }

        return token;
    }

    private static string? Get(IDictionary<string, string>? map, string key) => map is not null && map.TryGetValue(key, out var value) ? value : null;
}
