namespace AppKeys.LocalApiServer.Authorization;

/// <summary>A RoleBinding (with <see cref="Namespace"/>) or a ClusterRoleBinding (namespace null).</summary>
public sealed record RbacBinding(string? Namespace, string Name, RbacRoleRef RoleRef, IReadOnlyList<RbacSubject> Subjects);
