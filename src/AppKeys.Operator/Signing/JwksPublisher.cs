using System.Text.Json;
using AppKeys.Operator.Apis;
using k8s.Models;

namespace AppKeys.Operator.Signing;

/// <summary>
/// The JWKS ConfigMap <c>appkeys-jwks</c> (key <c>jwks.json</c>) in the operator's namespace. Written only by the leader's
/// <see cref="SigningKeyReconciler"/>, which watches it: a deleted or edited ConfigMap is restored at once, without polling.
/// </summary>
public static class JwksPublisher
{
    public const string ConfigMapName = "appkeys-jwks";
    public const string JwksKey = "jwks.json";

    /// <summary>A new JWKS ConfigMap.</summary>
    public static V1ConfigMap New(string @namespace, string jwks) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = new V1ObjectMeta
        {
            Name = ConfigMapName,
            NamespaceProperty = @namespace,
            Labels = new Dictionary<string, string> { [AppKeysLabels.ManagedBy] = AppKeysApi.ManagerName },
        },
        Data = new Dictionary<string, string> { [JwksKey] = jwks },
    };

    /// <summary>The JWKS text of a ConfigMap, or null.</summary>
    public static string? JwksOf(V1ConfigMap? configMap) =>
        configMap?.Data is { } data && data.TryGetValue(JwksKey, out var jwks) ? jwks : null;

    /// <summary>The kids a JWKS publishes (empty when it is missing or malformed).</summary>
    public static IReadOnlySet<string> KeyIds(string? jwks)
    {
        var kids = new HashSet<string>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(jwks))
        {
            return kids;
        }

        try
        {
            using var doc = JsonDocument.Parse(jwks);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("keys", out var keys) && keys.ValueKind == JsonValueKind.Array)
            {
                foreach (var key in keys.EnumerateArray())
                {
                    if (key.ValueKind == JsonValueKind.Object && key.TryGetProperty("kid", out var kid) && kid.GetString() is { } value)
                    {
                        kids.Add(value);
                    }
                }
            }
        }
        catch (JsonException)
        {
            kids.Clear();
        }

        return kids;
    }
}
