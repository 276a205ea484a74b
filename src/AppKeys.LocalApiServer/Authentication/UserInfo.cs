namespace AppKeys.LocalApiServer.Authentication;

/// <summary>
/// The authenticated user of a request (kube <c>user.Info</c>): name, groups, and the optional uid and extra
/// attributes (a TokenRequest token carries its ServiceAccount's uid and a credential id, as kube's do).
/// </summary>
public sealed record UserInfo(string Name, IReadOnlyList<string> Groups, string? Uid = null, IReadOnlyDictionary<string, IReadOnlyList<string>>? Extra = null)
{
    /// <summary>The key under which the user is stored in <c>HttpContext.Items</c>.</summary>
    public const string HttpContextKey = "AppKeys.LocalApiServer.User";
}
