namespace AppKeys.LocalApiServer.Authorization;

/// <summary>The authorization hook of the server (RBAC plugs in here). The default allows everything.</summary>
public interface IAuthorizer
{
    AuthorizationDecision Authorize(AuthorizationAttributes attributes);
}
