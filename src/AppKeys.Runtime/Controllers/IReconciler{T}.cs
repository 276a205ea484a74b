using k8s;
using k8s.Models;

namespace AppKeys.Runtime.Controllers;

/// <summary>
/// Brings the world in line with one object. Called with a key (never two at once for the same key), the current
/// cached state, and a token cancelled on shutdown after the grace period. Must be idempotent: it may run any
/// number of times for the same state. Resolved from a fresh DI scope per reconcile.
/// </summary>
/// <typeparam name="T">The controller's kind.</typeparam>
public interface IReconciler<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    /// <summary>Reconciles <paramref name="request"/>; throw to retry with backoff.</summary>
    Task<ReconcileResult> ReconcileAsync(ReconcileRequest<T> request, CancellationToken cancellationToken);
}
