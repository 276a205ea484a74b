using AppKeys.LocalApiServer.Authentication;
using AppKeys.LocalApiServer.Errors;
using Microsoft.AspNetCore.Http;

namespace AppKeys.LocalApiServer.Authorization;

/// <summary>
/// kube-apiserver's impersonation filter (apiserver/pkg/endpoints/filters/impersonation.go): <c>Impersonate-User</c>,
/// <c>Impersonate-Group</c> (repeatable) and <c>Impersonate-Uid</c> headers make the request act as another user,
/// provided the requester may <c>impersonate</c> each of them (users, groups, serviceaccounts in their namespace,
/// uids in authentication.k8s.io). What <c>kubectl --as / --as-group</c> sends.
/// </summary>
internal static class Impersonation
{
    private const string UserHeader = "Impersonate-User";
    private const string GroupHeader = "Impersonate-Group";
    private const string UidHeader = "Impersonate-Uid";
    private const string ExtraPrefix = "Impersonate-Extra-";
    private const string ServiceAccountPrefix = "system:serviceaccount:";

    /// <summary>The user the request acts as: <paramref name="requester"/> when it impersonates nobody.</summary>
    public static UserInfo Resolve(IHeaderDictionary headers, UserInfo requester, IAuthorizer authorizer, string path)
    {
        var userName = headers[UserHeader].ToString();
        var groups = headers[GroupHeader].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries)).Where(g => g.Length > 0).ToList();
        var uid = headers[UidHeader].ToString();
        var extras = headers.Keys.Where(k => k.StartsWith(ExtraPrefix, StringComparison.OrdinalIgnoreCase)).ToList();
        if (userName.Length == 0)
        {
            if (groups.Count > 0 || uid.Length > 0 || extras.Count > 0)
            {
                throw StatusErrors.BadRequest("requested [" + string.Join(" ", groups.Select(g => $"{{Group  {g}  }}")) + "] without impersonating a user");
            }

            return requester;
        }

        if (userName.StartsWith(ServiceAccountPrefix, StringComparison.Ordinal) && userName.Split(':') is [_, _, var ns, var name])
        {
            Check(authorizer, requester, "serviceaccounts", "", ns, name, path);
            if (groups.Count == 0)
            {
                groups = ["system:serviceaccounts", $"system:serviceaccounts:{ns}"];
            }
        }
        else
        {
            Check(authorizer, requester, "users", "", null, userName, path);
        }

        foreach (var group in groups)
        {
            Check(authorizer, requester, "groups", "", null, group, path);
        }

        if (uid.Length > 0)
        {
            Check(authorizer, requester, "uids", "authentication.k8s.io", null, uid, path);
        }

        foreach (var extra in extras)
        {
            Check(authorizer, requester, "userextras", "authentication.k8s.io", null, headers[extra].ToString(), path, extra[ExtraPrefix.Length..].ToLowerInvariant());
        }

        if (userName != "system:anonymous" && !groups.Contains("system:authenticated"))
        {
            groups.Add("system:authenticated");
        }

        var extraValues = extras.Count == 0 ? null : extras.ToDictionary(
            k => Uri.UnescapeDataString(k[ExtraPrefix.Length..]).ToLowerInvariant(),
            k => (IReadOnlyList<string>)headers[k].Select(v => v ?? "").ToList(),
            StringComparer.Ordinal);
        return new UserInfo(userName, groups, uid.Length > 0 ? uid : null, extraValues);
    }

    private static void Check(IAuthorizer authorizer, UserInfo requester, string resource, string group, string? ns, string name, string path, string? subresource = null)
    {
        var attributes = new AuthorizationAttributes(requester, "impersonate", true, group, "", resource, subresource, ns, name, path);
        var decision = authorizer.Authorize(attributes);
        if (!decision.Allowed)
        {
            throw ForbiddenError.For(attributes, decision.Reason);
        }
    }
}
