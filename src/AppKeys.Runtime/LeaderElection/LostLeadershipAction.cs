namespace AppKeys.Runtime.LeaderElection;

/// <summary>What the manager does once leadership was lost (after cancelling every in-flight reconcile).</summary>
public enum LostLeadershipAction
{
    /// <summary>
    /// Mark <c>/healthz</c> failed and stop the application at once, without draining (controller-runtime's behaviour);
    /// Kubernetes restarts the pod, which campaigns again. The default.
    /// </summary>
    StopApplication,

    /// <summary>
    /// Keep the process (informers stay warm) and campaign again; for an in-process host (local mode, tests) where
    /// exiting is not wanted. Writes stay fenced until the lease is acquired again.
    /// </summary>
    Campaign,
}
