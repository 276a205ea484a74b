using AppKeys.LocalApiServer.Authentication;

namespace AppKeys.LocalApiServer.Authorization;

/// <summary>
/// What a request wants to do (kube <c>authorizer.Attributes</c>): verb (get, list, watch, create, update,
/// patch, delete, deletecollection), API group, resource, subresource, namespace and name; or a non-resource path.
/// </summary>
public sealed record AuthorizationAttributes(
    UserInfo User,
    string Verb,
    bool IsResourceRequest,
    string ApiGroup,
    string ApiVersion,
    string Resource,
    string? Subresource,
    string? Namespace,
    string? Name,
    string Path);
