using AppKeys.Runtime.Client;

namespace AppKeys.Runtime.Events;

/// <summary>Options of the <see cref="EventRecorder"/>.</summary>
public sealed class EventRecorderOptions
{
    /// <summary><c>source.component</c> / <c>reportingComponent</c> of events. Default <c>appkeys-operator</c>.</summary>
    public string Component { get; set; } = "appkeys-operator";

    /// <summary><c>reportingInstance</c>; null: <c>POD_NAME</c> or the host name.</summary>
    public string? Instance { get; set; }

    /// <summary>Events waiting to be written; when full, further events are dropped (and counted). Default 1000 (client-go's).</summary>
    public int QueueCapacity { get; set; } = 1000;

    /// <summary>
    /// The event writer's own client-side rate limit, separate from the budget reconciles share
    /// (<c>ControllerRuntimeOptions.RateLimit</c>), so events can never slow a reconcile. Default 20 QPS, burst 50.
    /// </summary>
    public ClientRateLimitOptions RateLimit { get; set; } = new() { Qps = 20, Burst = 50 };
}
