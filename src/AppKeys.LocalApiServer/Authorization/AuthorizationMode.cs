namespace AppKeys.LocalApiServer.Authorization;

/// <summary>How the server authorizes authenticated requests (kube-apiserver <c>--authorization-mode</c>).</summary>
public enum AuthorizationMode
{
    /// <summary>Every authenticated request is allowed (kube's <c>AlwaysAllow</c>); the default.</summary>
    AllowAll,

    /// <summary>Role, ClusterRole, RoleBinding and ClusterRoleBinding objects in the store decide (kube's <c>RBAC</c>).</summary>
    Rbac,
}
