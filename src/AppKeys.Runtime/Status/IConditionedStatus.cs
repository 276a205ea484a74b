using k8s.Models;

namespace AppKeys.Runtime.Status;

/// <summary>
/// A status with conditions and the generation they were computed from (kube's convention). Implement it on a custom
/// resource's status type (the property names match the usual <c>status.conditions</c> /
/// <c>status.observedGeneration</c>) to use <see cref="Conditions.Set(IConditionedStatus, string, bool, string, string, long?, DateTimeOffset)"/>.
/// </summary>
public interface IConditionedStatus
{
    /// <summary><c>status.conditions</c>.</summary>
    IList<V1Condition>? Conditions { get; set; }

    /// <summary><c>status.observedGeneration</c>: the <c>metadata.generation</c> this status describes.</summary>
    long? ObservedGeneration { get; set; }
}
