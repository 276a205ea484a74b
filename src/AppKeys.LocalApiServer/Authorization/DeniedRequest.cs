namespace AppKeys.LocalApiServer.Authorization;

/// <summary>
/// An authorization check the server denied, answering 403: for the request itself, or for an admission check that
/// asks the authorizer (OwnerReferencesPermissionEnforcement). The fields are what was checked, which for an
/// admission check is not the request's own verb (e.g. <c>update</c> on <c>applicationkeys/finalizers</c> while a
/// Secret is created; its <see cref="Path"/> is then empty). <see cref="Reason"/> is the authorizer's reason, often
/// empty.
/// </summary>
public sealed record DeniedRequest(
    string User,
    string Verb,
    string ApiGroup,
    string Resource,
    string? Subresource,
    string? Namespace,
    string? Name,
    string Path,
    string Reason)
{
    /// <summary><c>resource</c> or <c>resource/subresource</c>, as RBAC rules name it.</summary>
    public string ResourceWithSubresource => Subresource is null ? Resource : $"{Resource}/{Subresource}";

    public static DeniedRequest From(AuthorizationAttributes a, AuthorizationDecision decision) =>
        new(a.User.Name, a.Verb, a.ApiGroup, a.Resource, a.Subresource, a.Namespace, a.Name, a.Path, decision.Reason ?? "");

    public override string ToString() =>
        $"{User} {Verb} {(ApiGroup.Length == 0 ? "core" : ApiGroup)}/{ResourceWithSubresource}"
        + (Namespace is null ? "" : $" in {Namespace}") + (Name is null ? "" : $" name {Name}") + (Reason.Length == 0 ? "" : $": {Reason}");
}
