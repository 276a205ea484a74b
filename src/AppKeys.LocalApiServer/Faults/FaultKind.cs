namespace AppKeys.LocalApiServer.Faults;

/// <summary>The faults a <see cref="FaultInjector"/> can inject (and counts).</summary>
public enum FaultKind
{
    /// <summary>Delay before the request is served.</summary>
    Latency,

    /// <summary>429 with <c>Retry-After</c>, as kube's max-in-flight / priority-and-fairness filters answer.</summary>
    TooManyRequests,

    /// <summary>500 InternalError Status.</summary>
    InternalError,

    /// <summary>503 ServiceUnavailable Status.</summary>
    ServiceUnavailable,

    /// <summary>409 Conflict ("the object has been modified") on updates (PUT).</summary>
    Conflict,

    /// <summary>A watch from a resourceVersion answered with one ERROR event (410 Expired), as after etcd compaction.</summary>
    WatchExpired,

    /// <summary>A watch stream closed after some events (cleanly or by resetting the connection).</summary>
    WatchDrop,

    /// <summary>A watch stream ended cleanly earlier than its <c>timeoutSeconds</c>.</summary>
    WatchTimeout,

    /// <summary>Open watches closed on demand (<see cref="FaultInjector.CloseWatches"/>).</summary>
    WatchClosed,

    /// <summary>A simulated restart: every connection dropped, new ones refused for a while, state kept.</summary>
    Restart,
}
