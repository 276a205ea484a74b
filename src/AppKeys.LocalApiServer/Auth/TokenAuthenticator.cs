using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace AppKeys.LocalApiServer.Auth;

/// <summary>
/// Static bearer tokens (kube's token file authenticator): each token maps to a user and groups. Tokens are
/// 256-bit random values; they are never logged.
/// </summary>
public sealed class TokenAuthenticator
{
    private readonly ConcurrentDictionary<string, UserInfo> _tokens = new(StringComparer.Ordinal);

    public string Issue(string user, IEnumerable<string>? groups)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        var all = new List<string>(groups ?? []);
        if (user.StartsWith("system:serviceaccount:", StringComparison.Ordinal))
        {
            // kube adds the service-account groups for SA tokens.
            var parts = user.Split(':');
            if (parts.Length == 4)
            {
                all.Add("system:serviceaccounts");
                all.Add($"system:serviceaccounts:{parts[2]}");
            }
        }
        all.Add("system:authenticated");
        var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)).ToLowerInvariant();
        _tokens[token] = new UserInfo(user, all.Distinct(StringComparer.Ordinal).ToList());
        return token;
    }

    /// <summary>The user of an <c>Authorization</c> header value, or null when missing or unknown.</summary>
    public UserInfo? Authenticate(string? authorizationHeader)
    {
        if (string.IsNullOrEmpty(authorizationHeader)
            || !authorizationHeader.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var token = authorizationHeader["Bearer ".Length..].Trim();
        return _tokens.TryGetValue(token, out var user) ? user : null;
    }
}
