namespace AppKeys.LocalApiServer.Authorization;

/// <summary>The <c>roleRef</c> of a binding: kind <c>Role</c> or <c>ClusterRole</c> and its name.</summary>
public sealed record RbacRoleRef(string Kind, string Name);
