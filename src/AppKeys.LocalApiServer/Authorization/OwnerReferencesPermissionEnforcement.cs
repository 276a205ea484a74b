using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Admission;
using AppKeys.LocalApiServer.Errors;
using AppKeys.LocalApiServer.Model;
using AppKeys.LocalApiServer.Registry;
using AppKeys.LocalApiServer.Resources;

namespace AppKeys.LocalApiServer.Authorization;

/// <summary>
/// kube's <c>OwnerReferencesPermissionEnforcement</c> admission plugin (plugin/pkg/admission/gc): a write that
/// changes <c>metadata.ownerReferences</c> needs <c>delete</c> on the object itself, and every owner reference that
/// newly sets <c>blockOwnerDeletion: true</c> needs <c>update</c> on the owner's <c>finalizers</c> subresource.
/// Off by default, as in kube-apiserver (OpenShift and hardened clusters turn it on); enabled with
/// <see cref="LocalApiServerOptions.OwnerReferencesPermissionEnforcement"/>.
/// </summary>
internal sealed class OwnerReferencesPermissionEnforcement(IAuthorizer authorizer, ResourceRegistry registry) : IValidatingAdmission
{
    public void Validate(ApiResourceInfo resource, string? ns, string name, string? subresource, JsonObject? old, JsonObject candidate, WriteOptions options)
    {
        // pods/status is exempt in kube (its strategy keeps ownerReferences); the user is unknown only for
        // the server's own writes, which are not admitted.
        if (options.User is not { } user || (resource is { Group: "", Plural: "pods" } && subresource == "status"))
        {
            return;
        }
        var newRefs = References(candidate);
        var oldRefs = old is null ? [] : References(old);
        if (!Changed(oldRefs, newRefs))
        {
            return;
        }

        var delete = new AuthorizationAttributes(user, "delete", true, resource.Group, resource.Version, resource.Plural,
            subresource, ns, name, "");
        if (authorizer.Authorize(delete) is { Allowed: false } refused)
        {
            throw StatusErrors.Forbidden(resource.Group, resource.Plural, name,
                $"cannot set an ownerRef on a resource you can't delete: {refused.Reason}, <nil>");
        }

        foreach (var reference in NewlyBlocking(oldRefs, newRefs))
        {
            var apiVersion = (string?)reference["apiVersion"] ?? "";
            var kind = (string?)reference["kind"] ?? "";
            var (group, version) = SplitApiVersion(apiVersion);
            var owners = registry.All.Where(r => r.Group == group && r.Version == version && r.Kind == kind).ToList();
            if (owners.Count == 0)
            {
                throw StatusErrors.Forbidden(resource.Group, resource.Plural, name,
                    $"cannot set blockOwnerDeletion in this case because cannot find RESTMapping for APIVersion {apiVersion} Kind {kind}: no matches for kind \"{kind}\" in version \"{apiVersion}\"");
            }
            foreach (var owner in owners)
            {
                var finalizers = new AuthorizationAttributes(user, "update", true, owner.Group, owner.Version, owner.Plural,
                    "finalizers", owner.Namespaced ? ns : null, (string?)reference["name"], "");
                if (authorizer.Authorize(finalizers) is { Allowed: false } denied)
                {
                    throw StatusErrors.Forbidden(resource.Group, resource.Plural, name,
                        $"cannot set blockOwnerDeletion if an ownerReference refers to a resource you can't set finalizers on: {denied.Reason}, <nil>");
                }
            }
        }
    }

    private static List<JsonObject> References(JsonObject obj) =>
        (obj["metadata"]?["ownerReferences"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];

    private static bool Changed(List<JsonObject> oldRefs, List<JsonObject> newRefs) =>
        oldRefs.Count != newRefs.Count || oldRefs.Where((r, i) => !JsonNode.DeepEquals(r, newRefs[i])).Any();

    private static bool Blocking(JsonObject reference) => reference["blockOwnerDeletion"]?.GetValueKind() == System.Text.Json.JsonValueKind.True;

    /// <summary>Blocking references that are new (by uid) or were not blocking before.</summary>
    private static IEnumerable<JsonObject> NewlyBlocking(List<JsonObject> oldRefs, List<JsonObject> newRefs)
    {
        var before = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var r in oldRefs)
        {
            before[(string?)r["uid"] ?? ""] = r;
        }
        return newRefs.Where(r => Blocking(r) && !(before.TryGetValue((string?)r["uid"] ?? "", out var was) && Blocking(was)));
    }

    private static (string Group, string Version) SplitApiVersion(string apiVersion)
    {
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? ("", apiVersion) : (apiVersion[..slash], apiVersion[(slash + 1)..]);
    }
}
