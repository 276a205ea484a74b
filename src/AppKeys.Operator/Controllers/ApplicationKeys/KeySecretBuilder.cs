using System.Globalization;
using System.Text;
using AppKeys.Credentials;
using AppKeys.Operator.Apis;
using AppKeys.Runtime;
using k8s.Models;

namespace AppKeys.Operator.Controllers.ApplicationKeys;

/// <summary>The one place that says what an ApplicationKey's Secret contains.</summary>
public static class KeySecretBuilder
{
    public static V1Secret Build(V1Alpha1ApplicationKey key, EffectiveKeySpec spec, KeySecretContent content)
    {
        var data = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            [KeySecretData.ConsumerKey] = Utf8(content.ConsumerKey),
            [KeySecretData.ConsumerSecret] = Utf8(content.ConsumerSecret.Reveal()),
            [KeySecretData.AccessToken] = Utf8(content.Token.AccessToken.Reveal()),
            [KeySecretData.ExpiresAt] = Utf8(content.Token.ExpiresAt is { } expiresAt ? Rfc3339.ToString(expiresAt) : ""),
            [KeySecretData.Scopes] = Utf8(Scopes.Join(spec.Scopes)),
            [KeySecretData.KeyType] = Utf8(spec.KeyType),
            [KeySecretData.TokenType] = Utf8(content.TokenType),
        };

        if (content.PreviousConsumerSecret is { } previous)
        {
            data[KeySecretData.PreviousConsumerSecret] = Utf8(previous.Reveal());
        }

        var annotations = new Dictionary<string, string>(spec.TemplateAnnotations, StringComparer.Ordinal)
        {
            [AppKeysAnnotations.IssuedAt] = Rfc3339.ToString(content.Token.IssuedAt),
            [AppKeysAnnotations.TokenId] = content.Token.TokenId,
            [AppKeysAnnotations.Revision] = content.Revision.ToString(CultureInfo.InvariantCulture),
            [AppKeysAnnotations.IssuanceHash] = content.IssuanceHash,
            [AppKeysAnnotations.DataHash] = Hashes.OfSecretData(data),
        };
        if (content.ObservedRenewRequest is { } observed)
        {
            annotations[AppKeysAnnotations.ObservedRequest] = observed;
        }

        return ManagedSecrets.Build(key, spec.SecretName, spec.Namespace, Labels(spec), annotations, data);
    }

    /// <summary>
    /// The Secret with the template's labels and annotations applied, or null when it already carries them
    /// (metadata-only changes never issue a new token). <paramref name="existing"/> is not changed (it may be cached).
    /// </summary>
    public static V1Secret? WithTemplate(V1Secret existing, EffectiveKeySpec spec)
    {
        var labels = Labels(spec);
        if (SecretDiff.Contains(existing.Metadata.Labels, labels) && SecretDiff.Contains(existing.Metadata.Annotations, spec.TemplateAnnotations.ToDictionary()))
        {
            return null;
        }

        var updated = KubernetesObjects.Clone(existing);
        updated.Metadata.Labels ??= new Dictionary<string, string>();
        updated.Metadata.Annotations ??= new Dictionary<string, string>();
        foreach (var (name, value) in labels)
        {
            updated.Metadata.Labels[name] = value;
        }

        foreach (var (name, value) in spec.TemplateAnnotations)
        {
            updated.Metadata.Annotations[name] = value;
        }

        return updated;
    }

    /// <summary>
    /// The Secret carrying <paramref name="previous"/> as its previous consumer secret (removed when null), with the data
    /// digest updated and the token untouched; null when it already does. <paramref name="existing"/> is not changed.
    /// </summary>
    public static V1Secret? WithPreviousConsumerSecret(V1Secret existing, SecretValue? previous)
    {
        var current = existing.Data?.TryGetValue(KeySecretData.PreviousConsumerSecret, out var bytes) == true ? bytes : null;
        if (previous is null ? current is null : current is not null && SecretComparer.FixedTimeEquals(Encoding.UTF8.GetString(current), previous.Reveal()))
        {
            return null;
        }

        var updated = KubernetesObjects.Clone(existing);
        updated.Data ??= new Dictionary<string, byte[]>();
        if (previous is null)
        {
            updated.Data.Remove(KeySecretData.PreviousConsumerSecret);
        }
        else
        {
            updated.Data[KeySecretData.PreviousConsumerSecret] = Utf8(previous.Reveal());
        }

        updated.Metadata.Annotations ??= new Dictionary<string, string>();
        updated.Metadata.Annotations[AppKeysAnnotations.DataHash] = Hashes.OfSecretData(updated.Data);
        return updated;
    }

    private static Dictionary<string, string> Labels(EffectiveKeySpec spec)
    {
        var labels = ManagedSecrets.Labels(spec.ApplicationName, spec.TemplateLabels);
        labels[AppKeysLabels.Key] = spec.Name;
        return labels;
    }

    private static byte[] Utf8(string value) => Encoding.UTF8.GetBytes(value);
}
