using System.Net;
using AppKeys.Runtime.Client;
using AppKeys.Runtime.Controllers;
using AppKeys.Runtime.Status;
using k8s;
using k8s.Models;

namespace AppKeys.Operator.Controllers;

/// <summary>The tail of every reconcile: status is written through /status only when it changed.</summary>
public static class StatusUpdate
{
    /// <summary>Attempts at a status that must land (it records a write just made) before giving up to a retry.</summary>
    private const int Attempts = 5;

    /// <summary>
    /// Sets <paramref name="status"/> on a copy of <paramref name="obj"/> (which may be cached: it is never changed) and
    /// writes it when it differs from the current one; returns <paramref name="result"/>, or
    /// <see cref="ReconcileResult.Retry"/> when the write hit a conflict. With <paramref name="mustLand"/> (the status
    /// records a Secret just written: its token, its resourceVersion) a conflict re-reads the object and writes the
    /// same status again, as client-go's RetryOnConflict does, and a transient failure (429, 5xx) is retried at once: a
    /// record lost there would make the next reconcile take the operator's own Secret for a stranger's. The version
    /// written is remembered in <paramref name="recent"/> until the cache has it.
    /// </summary>
    public static async Task<ReconcileResult> ApplyAsync<T, TStatus>(IResourceClient<T> client, T obj, TStatus status, ReconcileResult result, bool mustLand, RecentWrites recent, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>, IStatus<TStatus>
    {
        if (StatusComparer.Same(obj.Status, status))
        {
            return result;
        }

        var current = obj;
        for (var attempt = 1; ; attempt++)
        {
            var desired = Runtime.KubernetesObjects.Clone(current);
            desired.Status = status;
            T? written;
            try
            {
                written = await client.TryReplaceStatusAsync(desired, cancellationToken);
            }
            catch (KubernetesApiException e) when (mustLand && attempt < Attempts && IsTransient(e))
            {
                continue;
            }

            if (written is not null)
            {
                recent.Wrote(written);
                return result;
            }

            if (!mustLand || attempt == Attempts || await LiveReads.OneAsync(client, obj.Metadata.Name, obj.Metadata.NamespaceProperty, cancellationToken) is not { } fresh || fresh.Metadata.Uid != obj.Metadata.Uid)
            {
                return ReconcileResult.Retry;
            }

            if (StatusComparer.Same(fresh.Status, status))
            {
                return result;
            }

            current = fresh;
        }
    }

    private static bool IsTransient(KubernetesApiException e) =>
        e.StatusCode is HttpStatusCode.TooManyRequests or >= HttpStatusCode.InternalServerError;
}
