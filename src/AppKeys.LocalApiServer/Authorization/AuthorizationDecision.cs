namespace AppKeys.LocalApiServer.Authorization;

/// <summary>
/// The answer of an <see cref="IAuthorizer"/>; <see cref="Reason"/> is appended to the 403 message when not allowed.
/// <see cref="Denied"/> is kube's explicit DecisionDeny (a SubjectAccessReview reports it); RBAC and allow-all never
/// deny, they only have "no opinion" when they do not allow.
/// </summary>
public sealed record AuthorizationDecision(bool Allowed, string? Reason = null, bool Denied = false)
{
    public static readonly AuthorizationDecision Allow = new(true);
}
