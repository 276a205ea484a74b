using AppKeys.Operator.Apis;
using AppKeys.Operator.Signing;
using k8s.Models;

namespace AppKeys.Operator.Tests.TestSupport;

/// <summary>
/// What every Secret the operator manages must carry: the managed-by label, the application label, and exactly one
/// controller reference (to its ApplicationKey or Application, blocking the owner's deletion) so that garbage
/// collection removes it with its owner. The operator's own Secrets (signing keys, key manager state) have no owner.
/// </summary>
internal static class ManagedSecretChecks
{
    /// <summary>The Secrets the operator keeps for itself in its namespace (no Application, no owner).</summary>
    private static readonly HashSet<string> OperatorSecrets =
    [
        SigningKeySecret.SecretName,
        Operator.KeyManager.TokenKeyStore.SecretName,
        Operator.KeyManager.RevocationStore.SecretName,
        Operator.KeyManager.EndpointCertificates.CaSecretName,
    ];

    /// <summary>True for a Secret the operator manages or one owned by an appkeys.io object (which it must manage).</summary>
    public static bool IsManaged(V1Secret secret) =>
        Label(secret, AppKeysLabels.ManagedBy) == AppKeysApi.ManagerName
        || secret.Metadata?.OwnerReferences?.Any(r => r.ApiVersion == AppKeysApi.ApiVersion) == true;

    /// <summary>What is wrong with <paramref name="secret"/> (empty when it is not managed or carries everything).</summary>
    public static IEnumerable<string> Problems(V1Secret secret, string operatorNamespace)
    {
        if (!IsManaged(secret))
        {
            yield break;
        }

        var id = $"Secret {secret.Metadata.NamespaceProperty}/{secret.Metadata.Name} at resourceVersion {secret.Metadata.ResourceVersion}";
        if (Label(secret, AppKeysLabels.ManagedBy) != AppKeysApi.ManagerName)
        {
            yield return $"{id} is owned by an appkeys.io object but lacks {AppKeysLabels.ManagedBy}={AppKeysApi.ManagerName}";
        }

        if (secret.Metadata.NamespaceProperty == operatorNamespace && OperatorSecrets.Contains(secret.Metadata.Name))
        {
            if (secret.Metadata.OwnerReferences is { Count: > 0 })
            {
                yield return $"{id}: the operator's own Secrets (signing keys, token keys, revocations, OAuth CA) must outlive every Application, yet the Secret has owners";
            }

            yield break;
        }

        if (string.IsNullOrEmpty(Label(secret, AppKeysLabels.Application)))
        {
            yield return $"{id} lacks the {AppKeysLabels.Application} label";
        }

        var controllers = secret.Metadata.OwnerReferences?.Where(r => r.Controller == true).ToList() ?? [];
        if (controllers.Count != 1)
        {
            yield return $"{id} has {controllers.Count} controller references (expected exactly one)";
            yield break;
        }

        var owner = controllers[0];
        if (owner.ApiVersion != AppKeysApi.ApiVersion || owner.Kind is not (AppKeysApi.ApplicationKeyKind or AppKeysApi.ApplicationKind))
        {
            yield return $"{id} is controlled by a {owner.ApiVersion} {owner.Kind}, not an ApplicationKey or Application";
        }

        if (owner.BlockOwnerDeletion != true)
        {
            yield return $"{id}: its controller reference does not set blockOwnerDeletion";
        }

        if (string.IsNullOrEmpty(owner.Uid) || string.IsNullOrEmpty(owner.Name))
        {
            yield return $"{id}: its controller reference lacks a name or uid";
        }

        if (owner.Kind == AppKeysApi.ApplicationKeyKind && Label(secret, AppKeysLabels.Key) != owner.Name)
        {
            yield return $"{id}: its {AppKeysLabels.Key} label does not name its ApplicationKey {owner.Name}";
        }
    }

    private static string? Label(V1Secret secret, string key) =>
        secret.Metadata?.Labels?.TryGetValue(key, out var value) == true ? value : null;
}
