using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Errors;

namespace AppKeys.LocalApiServer.Authorization;

/// <summary>
/// The 403 of a denied request, worded as kube-apiserver's <c>responsewriters.Forbidden</c> (forbiddenMessage)
/// wrapped in <c>apierrors.NewForbidden</c>: the authorizer's reason, when any, follows after ": ".
/// </summary>
public static class ForbiddenError
{
    public static string Message(AuthorizationAttributes a)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (!a.IsResourceRequest)
        {
            return $"User \"{a.User.Name}\" cannot {a.Verb} path \"{a.Path}\"";
        }
        var resource = string.IsNullOrEmpty(a.Subresource) ? a.Resource : $"{a.Resource}/{a.Subresource}";
        return string.IsNullOrEmpty(a.Namespace)
            ? $"User \"{a.User.Name}\" cannot {a.Verb} resource \"{resource}\" in API group \"{a.ApiGroup}\" at the cluster scope"
            : $"User \"{a.User.Name}\" cannot {a.Verb} resource \"{resource}\" in API group \"{a.ApiGroup}\" in the namespace \"{a.Namespace}\"";
    }

    public static ApiException For(AuthorizationAttributes a, string? reason)
    {
        ArgumentNullException.ThrowIfNull(a);
        var detail = Message(a) + (string.IsNullOrEmpty(reason) ? "" : ": " + reason);
        return a.IsResourceRequest
            ? StatusErrors.Forbidden(a.ApiGroup, a.Resource, a.Name ?? "", detail)
            : new ApiException(403, "Forbidden", "forbidden: " + detail, new JsonObject());
    }
}
