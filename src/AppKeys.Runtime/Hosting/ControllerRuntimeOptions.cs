using AppKeys.Runtime.Client;
using AppKeys.Runtime.Events;
using AppKeys.Runtime.LeaderElection;
using k8s;

namespace AppKeys.Runtime.Hosting;

/// <summary>Options of the controller runtime (bind from configuration section <c>ControllerRuntime</c> or set in code).</summary>
public sealed class ControllerRuntimeOptions
{
    /// <summary>
    /// How to reach the API server; null: <see cref="AppKeys.Runtime.Client.Kubeconfig.Default"/> (<c>KUBECONFIG</c>,
    /// <c>~/.kube/config</c>, else the in-cluster ServiceAccount).
    /// </summary>
    public KubernetesClientConfiguration? Kubernetes { get; set; }

    /// <summary>Client-side rate limiting (default 50 QPS, burst 100) and 429 retries.</summary>
    public ClientRateLimitOptions RateLimit { get; set; } = new();

    /// <summary>Leader election (on by default).</summary>
    public LeaderElectionOptions LeaderElection { get; set; } = new();

    /// <summary>Events.</summary>
    public EventRecorderOptions Events { get; set; } = new();

    /// <summary>How long in-flight reconciles may run after shutdown starts before they are cancelled. Default 25 s.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(25);
}
