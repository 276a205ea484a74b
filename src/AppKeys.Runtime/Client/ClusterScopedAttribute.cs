namespace AppKeys.Runtime.Client;

/// <summary>
/// Marks a custom resource type as cluster-scoped (<c>[KubernetesEntity]</c> cannot say so). Types without it are
/// treated as namespaced unless they are a known cluster-scoped built-in kind.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ClusterScopedAttribute : Attribute;
