using AppKeys.Operator.Apis;
using AppKeys.Runtime;
using AppKeys.Runtime.Informers;
using k8s.Models;

namespace AppKeys.Operator.Signing;

/// <summary>Which watch events concern signing keys, and how every replica follows the signing Secret and the JWKS.</summary>
public static class SigningKeyTriggers
{
    /// <summary>For the ApplicationKey controller: a change of the signing Secret re-checks every key (its token may have to be re-minted).</summary>
    public static IEnumerable<ObjectKey> KeysOnSigningSecret(V1Secret secret, string operatorNamespace, IObjectStore<V1Alpha1ApplicationKey>? keys) =>
        keys is not null && IsSigningSecret(secret, operatorNamespace)
            ? keys.List().Select(k => new ObjectKey(k.Metadata.NamespaceProperty, k.Metadata.Name))
            : [];

    /// <summary>
    /// For the signing-keys controller: the signing Secret itself, and an ApplicationKey Secret whose token is not signed by
    /// the current key (a re-mint or an expiry that can let a retired key go). Tokens of the current key change nothing.
    /// </summary>
    public static IEnumerable<ObjectKey> SigningKeysOnSecret(V1Secret secret, string operatorNamespace, SigningKeyStore? store)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (IsSigningSecret(secret, operatorNamespace))
        {
            return [SigningKeyReconciler.Key(operatorNamespace)];
        }

        return SignedTokens.Of(secret) is { } token && token.KeyId != store?.Held?.Current?.KeyId
            ? [SigningKeyReconciler.Key(operatorNamespace)]
            : [];
    }

    /// <summary>Every replica (leader or not) follows the signing Secret and the published JWKS, so it signs with the current key.</summary>
    public static void Follow(SigningKeyStore store, IInformer<V1Secret> secrets, IInformer<V1ConfigMap> configMaps, string operatorNamespace, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(secrets);
        ArgumentNullException.ThrowIfNull(configMaps);
        ArgumentNullException.ThrowIfNull(time);
        secrets.AddHandler(e =>
        {
            if (e.Type != InformerEventType.Deleted && IsSigningSecret(e.Object, operatorNamespace))
            {
                store.Follow(SigningKeySecret.Read(e.Object, store.Settings.Algorithm, time.GetUtcNow()));
            }
        });
        configMaps.AddHandler(e =>
        {
            if (e.Object.Metadata?.Name == JwksPublisher.ConfigMapName && e.Object.Metadata.NamespaceProperty == operatorNamespace)
            {
                store.ObservePublished(e.Type == InformerEventType.Deleted ? new HashSet<string>() : JwksPublisher.KeyIds(JwksPublisher.JwksOf(e.Object)));
            }
        });
    }

    private static bool IsSigningSecret(V1Secret secret, string operatorNamespace) =>
        secret.Metadata?.Name == SigningKeySecret.SecretName && secret.Metadata.NamespaceProperty == operatorNamespace;
}
