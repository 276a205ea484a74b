using AppKeys.Runtime.Client;
using k8s;
using k8s.Models;

namespace AppKeys.Operator.Controllers;

/// <summary>
/// A live read of one Application or ApplicationKey, as a list by name: the operator's RBAC grants list and watch on
/// its kinds (what its caches need) and nothing more, and kube authorizes a list with <c>metadata.name=x</c> as a
/// read of x. Used only while the cache lags behind the operator's own status write.
/// </summary>
public static class LiveReads
{
    public static async Task<T?> OneAsync<T>(IResourceClient<T> client, string name, string? @namespace, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var items = (await client.ListAsync(@namespace, new ListOptions(FieldSelector: $"metadata.name={name}"), cancellationToken)).Items;
        return items.Count == 0 ? null : items[0];
    }
}
