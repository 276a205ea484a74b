namespace AppKeys.Runtime.LeaderElection;

/// <summary>
/// Stops writes the moment leadership is lost: while closed, <see cref="Client.KubernetesTransport"/> refuses every
/// request that is not a read (GET) before it is sent, except the elector's own Lease requests, so nothing this
/// process queued or started (a reconcile that ignores its cancellation token, a buffered event) can write after a
/// new leader may have started. Open from the start (leader election off, or standing by: only leaders run
/// controllers); the <see cref="LeaderElector"/> closes it on a lost or released lease and opens it when it acquires one.
/// </summary>
public sealed class LeadershipFence
{
    private volatile bool closed;

    /// <summary>False after leadership was lost or released and not acquired again.</summary>
    public bool WritesAllowed => !closed;

    /// <summary>Throws <see cref="LeadershipLostException"/> for a write while closed.</summary>
    public void ThrowIfFenced(HttpMethod method, string relativePath)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(relativePath);
        if (closed && method != HttpMethod.Get && method != HttpMethod.Head
            && !relativePath.TrimStart('/').StartsWith("apis/coordination.k8s.io/", StringComparison.Ordinal))
        {
            throw new LeadershipLostException($"{method} {relativePath} refused: this process no longer holds the leader lease.");
        }
    }

    internal void Open() => closed = false;

    internal void Close() => closed = true;
}
