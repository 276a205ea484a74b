
namespace AppKeys.LocalApiServer.Authorization;

/// <summary>
/// The RBAC authorizer of the server: <c>system:masters</c> is always allowed (kube's privileged-groups
/// authorizer precedes RBAC), everything else is decided by <see cref="RbacEvaluator"/> over the current policy.
/// </summary>
public sealed class RbacAuthorizer(Func<RbacPolicy> policy) : IAuthorizer
{
    public AuthorizationDecision Authorize(AuthorizationAttributes attributes) => RbacEvaluator.Authorize(policy(), attributes);
}
