using AppKeys.Runtime.Client;
using k8s.Models;

namespace AppKeys.Operator.Controllers;

/// <summary>The write step of both reconcilers: one create or update of the current Secret, then the planned deletes.</summary>
public static class SecretWriter
{
    /// <summary>Applies the plan's Secret writes; returns the Secret as written (null when nothing was written).</summary>
    public static async Task<V1Secret?> ApplyAsync(IResourceClient<V1Secret> secrets, SecretWrite? write, IReadOnlyList<SecretDelete> deletes, string @namespace, ILogger logger, CancellationToken cancellationToken)
    {
        V1Secret? written = null;
        if (write is not null)
        {
            written = write.Create
                ? await secrets.CreateAsync(write.Desired, cancellationToken)
                : await secrets.ReplaceAsync(write.Desired, cancellationToken);
        }

        foreach (var delete in deletes)
        {
            await DeleteAsync(secrets, delete, @namespace, logger, cancellationToken);
        }

        return written;
    }

    public static async Task DeleteAsync(IResourceClient<V1Secret> secrets, SecretDelete delete, string @namespace, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            var options = new V1DeleteOptions { Preconditions = new V1Preconditions { Uid = delete.Uid, ResourceVersion = delete.ResourceVersion } };
            if (await secrets.DeleteAsync(delete.Name, @namespace, options, cancellationToken))
            {
                logger.LogInformation("Deleted Secret {Secret}: {Why}", delete.Name, delete.Why);
            }
        }
        catch (KubernetesApiException e) when (e.IsConflict)
        {
            // Replaced or changed since it was read: not the object the plan decided about; the next reconcile re-reads.
            logger.LogInformation("Secret {Secret} changed since it was read; not deleted ({Why})", delete.Name, delete.Why);
            throw;
        }
    }
}
