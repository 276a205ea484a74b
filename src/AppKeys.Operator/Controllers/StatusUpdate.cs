using AppKeys.Runtime.Client;
using AppKeys.Runtime.Controllers;
using AppKeys.Runtime.Status;
using k8s;
using k8s.Models;

namespace AppKeys.Operator.Controllers;

/// <summary>The tail of every reconcile: status is written through /status only when it changed.</summary>
public static class StatusUpdate
{
    /// <summary>
    /// Sets <paramref name="status"/> on <paramref name="obj"/> and writes it when it differs from the current one;
    /// returns <paramref name="result"/>, or <see cref="ReconcileResult.Retry"/> when the write hit a conflict.
    /// </summary>
    public static async Task<ReconcileResult> ApplyAsync<T, TStatus>(IResourceClient<T> client, T obj, TStatus status, ReconcileResult result, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>, IStatus<TStatus>
    {
        if (StatusComparer.Same(obj.Status, status))
        {
            return result;
        }

        obj.Status = status;
        return await client.TryReplaceStatusAsync(obj, cancellationToken) is null ? ReconcileResult.Retry : result;
    }
}
