namespace AppKeys.Operator.Controllers.RolloutRestarts;

/// <summary>Values of <c>status.rolloutRestarts[].result</c>, and the reasons of the <c>RolloutRestart</c> condition.</summary>
public static class RolloutRestartResults
{
    /// <summary>The operator restarted the target for the current content.</summary>
    public const string Restarted = "Restarted";

    /// <summary>First seen (or the Secret held nothing before): recorded, nothing to restart.</summary>
    public const string Observed = "Observed";

    /// <summary>The target was restarted less than the minimum interval ago; the restart waits for it.</summary>
    public const string Pending = "Pending";

    /// <summary>No such workload in the namespace (a workload created later reads the current Secret anyway).</summary>
    public const string NotFound = "NotFound";

    /// <summary>The workload's pod template does not use the resource's Secret: it is never restarted by this resource.</summary>
    public const string NotConsuming = "NotConsuming";

    /// <summary>The operator may not get or patch the workload (the opt-in RBAC is not installed); retried.</summary>
    public const string Forbidden = "Forbidden";

    /// <summary>Any other failure (the API server's Status reason); retried.</summary>
    public const string Failed = "Failed";
}
