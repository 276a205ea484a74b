namespace AppKeys.LocalApiServer.Auth;

/// <summary>The authorization hook of the server (RBAC plugs in here). The default allows everything.</summary>
public interface IAuthorizer
{
    AuthorizationDecision Authorize(AuthorizationAttributes attributes);
}
