namespace AppKeys.LocalApiServer.Auth;

/// <summary>The authenticated user of a request (kube <c>user.Info</c>).</summary>
public sealed record UserInfo(string Name, IReadOnlyList<string> Groups)
{
    /// <summary>The key under which the user is stored in <c>HttpContext.Items</c>.</summary>
    public const string HttpContextKey = "AppKeys.LocalApiServer.User";
}
