namespace AppKeys.LocalApiServer.Auth;

/// <summary>The answer of an <see cref="IAuthorizer"/>; <see cref="Reason"/> is appended to the 403 message when denied.</summary>
public sealed record AuthorizationDecision(bool Allowed, string? Reason = null)
{
    public static readonly AuthorizationDecision Allow = new(true);
}
