namespace AppKeys.LocalApiServer.Authorization;

/// <summary>A binding subject: <c>User</c>, <c>Group</c> or <c>ServiceAccount</c> (namespace only for the latter).</summary>
public sealed record RbacSubject(string Kind, string Name, string? Namespace = null)
{
    public const string UserKind = "User";
    public const string GroupKind = "Group";
    public const string ServiceAccountKind = "ServiceAccount";
}
