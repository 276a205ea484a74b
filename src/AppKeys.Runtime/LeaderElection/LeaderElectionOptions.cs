namespace AppKeys.Runtime.LeaderElection;

/// <summary>Leader election with a coordination.k8s.io/v1 Lease (client-go semantics and defaults).</summary>
public sealed class LeaderElectionOptions
{
    /// <summary>On by default; when off, this process runs controllers at once.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Lease name. Default <c>appkeys-operator-leader</c>.</summary>
    public string LeaseName { get; set; } = "appkeys-operator-leader";

    /// <summary>Lease namespace; null: <c>POD_NAMESPACE</c>, else the service account namespace file, else <c>default</c>.</summary>
    public string? LeaseNamespace { get; set; }

    /// <summary>Holder identity; null: <c>POD_NAME</c> (unique per pod), else the host name plus a random suffix.</summary>
    public string? Identity { get; set; }

    /// <summary>How long a lease stays valid without renewal; standbys wait this long before taking over. Default 15 s.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the leader keeps retrying a failing renewal before it gives up leadership. Default 10 s.</summary>
    public TimeSpan RenewDeadline { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Interval between acquire/renew attempts. Default 2 s.</summary>
    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// What to do after losing the lease (in-flight reconciles are cancelled first in every case). Default
    /// <see cref="LostLeadershipAction.StopApplication"/>: stop the process without a graceful drain.
    /// </summary>
    public LostLeadershipAction OnLostLeadership { get; set; } = LostLeadershipAction.StopApplication;

    /// <summary>
    /// Called when the lease was lost, right after in-flight reconciles were cancelled and writes fenced, before
    /// <see cref="OnLostLeadership"/> is carried out (client-go's <c>OnStoppedLeading</c>). Must not block.
    /// </summary>
    public Action? OnStoppedLeading { get; set; }

    /// <summary>Give the lease up (empty holder) when stopping, so a standby takes over at once. Default true.</summary>
    public bool ReleaseOnCancel { get; set; } = true;
}
