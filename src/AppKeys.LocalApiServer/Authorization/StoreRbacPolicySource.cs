using AppKeys.LocalApiServer.Registry;
using AppKeys.LocalApiServer.Storage;

namespace AppKeys.LocalApiServer.Authorization;

/// <summary>
/// Reads the RBAC objects of the server's own store, rebuilding the snapshot only when the store's revision
/// moved (kube's authorizer reads informer caches; ours is never stale).
/// </summary>
internal sealed class StoreRbacPolicySource(ClusterStore store)
{
    private static readonly string RolesKey = BuiltInResources.StorageKey(BuiltInResources.Roles);
    private static readonly string ClusterRolesKey = BuiltInResources.StorageKey(BuiltInResources.ClusterRoles);
    private static readonly string RoleBindingsKey = BuiltInResources.StorageKey(BuiltInResources.RoleBindings);
    private static readonly string ClusterRoleBindingsKey = BuiltInResources.StorageKey(BuiltInResources.ClusterRoleBindings);

    private RbacPolicy policy = RbacPolicy.Empty;
    private long revision = -1;

    public RbacPolicy Current()
    {
        lock (store.Gate)
        {
            var revision = store.Revision;
            if (revision != this.revision)
            {
                policy = RbacPolicy.FromObjects(
                    store.List(RolesKey, null).Select(kv => kv.Value).ToList(),
                    store.List(ClusterRolesKey, null).Select(kv => kv.Value).ToList(),
                    store.List(RoleBindingsKey, null).Select(kv => kv.Value).ToList(),
                    store.List(ClusterRoleBindingsKey, null).Select(kv => kv.Value).ToList());
                this.revision = revision;
            }
            return policy;
        }
    }
}
