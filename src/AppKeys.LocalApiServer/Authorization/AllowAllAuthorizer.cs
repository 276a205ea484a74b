namespace AppKeys.LocalApiServer.Authorization;

/// <summary>Allows every authenticated request (kube's <c>AlwaysAllow</c> mode).</summary>
public sealed class AllowAllAuthorizer : IAuthorizer
{
    public AuthorizationDecision Authorize(AuthorizationAttributes attributes) => AuthorizationDecision.Allow;
}
