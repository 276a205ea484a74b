namespace AppKeys.Operator.Apis;

/// <summary>The apps/v1 workload kinds a rollout restart target may name.</summary>
public static class WorkloadKinds
{
    public const string Deployment = "Deployment";
    public const string StatefulSet = "StatefulSet";
    public const string DaemonSet = "DaemonSet";
}
