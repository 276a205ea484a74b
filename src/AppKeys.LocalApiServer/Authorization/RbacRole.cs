namespace AppKeys.LocalApiServer.Authorization;

/// <summary>
/// A Role (with <see cref="Namespace"/>) or a ClusterRole (namespace null). <see cref="AggregationSelectors"/> is the
/// ClusterRole <c>aggregationRule.clusterRoleSelectors</c>; null when the role is not aggregated.
/// </summary>
public sealed record RbacRole(
    string? Namespace,
    string Name,
    IReadOnlyList<RbacPolicyRule> Rules,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<RbacLabelSelector>? AggregationSelectors = null);
