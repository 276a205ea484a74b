using AppKeys.Runtime.Client;
using k8s;
using k8s.Models;

namespace AppKeys.Runtime.Status;

/// <summary>
/// Status writes through <c>/status</c> where a 409 Conflict is an expected outcome, not a failure: TryReplaceStatusAsync
/// returns null on conflict so the reconciler can return <c>ReconcileResult.Retry</c> (letting the exception escape
/// works too: the controller turns a conflict into a backoff requeue without logging an error).
/// </summary>
public static class StatusWrites
{
    /// <summary>Replaces the status (with the object's resourceVersion as precondition); null on 409 Conflict.</summary>
    public static async Task<T?> TryReplaceStatusAsync<T>(this IResourceClient<T> client, T obj, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(client);
        try
        {
            return await client.ReplaceStatusAsync(obj, cancellationToken);
        }
        catch (KubernetesApiException e) when (e.IsConflict)
        {
            return null;
        }
    }
}
