using AppKeys.Runtime.Client;
using k8s;
using k8s.Models;

namespace AppKeys.Operator.Controllers;

/// <summary>After an owner's secretName changed, the Secret under the old name (recorded in its status) goes.</summary>
public static class RenamedSecrets
{
    /// <summary>
    /// Deletes Secret <paramref name="oldName"/> when it differs from <paramref name="currentName"/> and
    /// <paramref name="owner"/> controls it (a Secret someone else took over under that name is left alone).
    /// </summary>
    public static async Task DeleteOldAsync(
        IResourceClient<V1Secret> secrets,
        IKubernetesObject<V1ObjectMeta> owner,
        string? oldName,
        string currentName,
        string @namespace,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        if (oldName is not null && oldName != currentName
            && await secrets.GetAsync(oldName, @namespace, cancellationToken) is { } stale
            && SecretOwnership.IsControlledBy(stale.Metadata, owner))
        {
            await secrets.DeleteAsync(oldName, @namespace, cancellationToken: cancellationToken);
            logger.LogInformation("Deleted Secret {Secret}, replaced by {NewSecret}", oldName, currentName);
        }
    }
}
