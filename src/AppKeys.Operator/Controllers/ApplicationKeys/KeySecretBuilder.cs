using System.Globalization;
using System.Text;
using AppKeys.Operator.Apis;
using k8s.Models;

namespace AppKeys.Operator.Controllers.ApplicationKeys;

/// <summary>
/// The one place that says what an ApplicationKey's Secret contains. Everything in it is an output of the record and
/// the Application's credentials: data, labels and the operator's annotations are rewritten whenever they drift.
/// Labels and annotations others added (not reserved for the operator) are kept.
/// </summary>
public static class KeySecretBuilder
{
    public static V1Secret Build(V1Alpha1ApplicationKey key, EffectiveKeySpec spec, KeySecretContent content, V1Secret? existing)
    {
        var record = content.Record;
        var data = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            [KeySecretData.ConsumerKey] = Utf8(content.Credentials.Current.ConsumerKey),
            [KeySecretData.ConsumerSecret] = Utf8(content.Credentials.Current.ConsumerSecret.Reveal()),
            [KeySecretData.AccessToken] = Utf8(content.AccessToken.Reveal()),
            [KeySecretData.ExpiresAt] = Utf8(record.ExpiresAt is { } expiresAt ? Rfc3339.ToString(expiresAt) : ""),
            [KeySecretData.Scopes] = Utf8(Scopes.Join(record.Scopes)),
            [KeySecretData.KeyType] = Utf8(record.KeyType),
            [KeySecretData.TokenType] = Utf8(record.TokenType),
        };

        if (content.Credentials.Previous is { } previous)
        {
            data[KeySecretData.PreviousConsumerSecret] = Utf8(previous.Reveal());
        }

        var annotations = ManagedSecrets.Foreign(existing?.Metadata.Annotations);
        foreach (var (name, value) in spec.TemplateAnnotations)
        {
            annotations[name] = value;
        }

        annotations[AppKeysAnnotations.IssuedAt] = Rfc3339.ToString(record.IssuedAt);
        annotations[AppKeysAnnotations.TokenId] = record.TokenId;
        annotations[AppKeysAnnotations.Revision] = record.Revision.ToString(CultureInfo.InvariantCulture);
        annotations[AppKeysAnnotations.IssuanceHash] = record.IssuanceHash;
        annotations[AppKeysAnnotations.DataHash] = Hashes.OfSecretData(data);
        if (record.ObservedRenewRequest is { } observed)
        {
            annotations[AppKeysAnnotations.ObservedRequest] = observed;
        }

        var labels = ManagedSecrets.Foreign(existing?.Metadata.Labels);
        foreach (var (name, value) in ManagedSecrets.Labels(spec.ApplicationName, spec.TemplateLabels))
        {
            labels[name] = value;
        }

        labels[AppKeysLabels.Key] = spec.Name;
        var secret = ManagedSecrets.Build(key, spec.SecretName, spec.Namespace, labels, annotations, data);
        secret.Metadata.ResourceVersion = existing?.Metadata.ResourceVersion;
        return secret;
    }

    private static byte[] Utf8(string value) => Encoding.UTF8.GetBytes(value);
}
