using AppKeys.Runtime;
using AppKeys.Runtime.Client;
using AppKeys.Runtime.Informers;
using k8s.Models;

namespace AppKeys.Operator.Controllers;

/// <summary>
/// Reads Secrets from the managed-Secret informer's cache (only Secrets labelled
/// <c>app.kubernetes.io/managed-by: appkeys-operator</c> are cached). A miss falls back to a GET: a Secret in the way
/// that does not carry our label (a foreign one, or ours with the label removed) is never in the cache, and one just
/// written may not be there yet. Cached objects are shared: callers never mutate what this returns.
/// </summary>
public sealed class SecretReader(IInformer<V1Secret> managedSecrets, IResourceClient<V1Secret> secrets)
{
    /// <summary>The Secret, from the cache or else from the API server; null when it does not exist.</summary>
    public async Task<V1Secret?> GetAsync(string name, string @namespace, CancellationToken cancellationToken) =>
        Cached(name, @namespace) ?? await secrets.GetAsync(name, @namespace, cancellationToken);

    /// <summary>The cached managed Secret, or null (absent, foreign, or not seen yet).</summary>
    public V1Secret? Cached(string name, string @namespace) => managedSecrets.Store.Get(new ObjectKey(@namespace, name));
}
