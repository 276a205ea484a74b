using System.Globalization;
using System.Text;
using AppKeys.Operator.Apis;
using k8s.Models;

namespace AppKeys.Operator.Controllers.ApplicationKeys;

/// <summary>
/// The non-secret facts recorded in a key's Secret (data and annotations): the durable state the operator reads back
/// after a restart, so status can always be rebuilt and nothing is issued twice.
/// </summary>
public sealed record KeySecretRecord(
    string? ConsumerKey,
    string? KeyType,
    string? TokenType,
    IReadOnlyList<string> Scopes,
    DateTimeOffset? IssuedAt,
    DateTimeOffset? ExpiresAt,
    string? TokenId,
    long Revision,
    string? IssuanceHash,
    string? ObservedRenewRequest,
    bool Intact)
{
    public static KeySecretRecord Read(V1Secret secret)
    {
        var data = secret.Data ?? new Dictionary<string, byte[]>();
        var annotations = secret.Metadata?.Annotations ?? new Dictionary<string, string>();
        string? Get(string key) => data.TryGetValue(key, out var bytes) && bytes is not null ? Encoding.UTF8.GetString(bytes) : null;
        string? Annotation(string key) => annotations.TryGetValue(key, out var value) ? value : null;

        var issuedAt = Rfc3339.Parse(Annotation(AppKeysAnnotations.IssuedAt));
        var expiresText = Get(KeySecretData.ExpiresAt);
        var expiresAt = string.IsNullOrEmpty(expiresText) ? null : Rfc3339.Parse(expiresText);

        var intact = KeySecretData.All.All(k => data.ContainsKey(k))
            && !string.IsNullOrEmpty(Get(KeySecretData.AccessToken))
            && !string.IsNullOrEmpty(Get(KeySecretData.ConsumerSecret))
            && issuedAt is not null
            && (string.IsNullOrEmpty(expiresText) || expiresAt is not null)
            && Hashes.Equal(Hashes.OfSecretData(data), Annotation(AppKeysAnnotations.DataHash));

        return new KeySecretRecord(
            Get(KeySecretData.ConsumerKey),
            Get(KeySecretData.KeyType),
            Get(KeySecretData.TokenType),
            Controllers.Scopes.Split(Get(KeySecretData.Scopes)),
            issuedAt,
            expiresAt,
            Annotation(AppKeysAnnotations.TokenId),
            long.TryParse(Annotation(AppKeysAnnotations.Revision), NumberStyles.None, CultureInfo.InvariantCulture, out var revision) ? revision : 0,
            Annotation(AppKeysAnnotations.IssuanceHash),
            Annotation(AppKeysAnnotations.ObservedRequest),
            intact);
    }
}
