using AppKeys.Operator.Apis;
using AppKeys.Runtime;
using AppKeys.Runtime.Client;
using AppKeys.Runtime.Informers;
using k8s.Models;

namespace AppKeys.Operator.Controllers;

/// <summary>
/// The one Secret-read policy of both reconcilers: from the managed-Secret cache (only Secrets with the operator's
/// managed-by label; never mutated), with a live GET only where the cache cannot answer — nothing cached under the
/// name (a foreign Secret in the way is never cached, nor one whose label was removed), or a cached version other
/// than the one the operator recorded after its own last write (the cache lags behind it, or someone changed it).
/// </summary>
public sealed class SecretReads(IInformer<V1Secret> managedSecrets, IResourceClient<V1Secret> secrets)
{
    public async Task<V1Secret?> ReadAsync(string @namespace, string? name, IEnumerable<V1Alpha1WrittenSecret>? written, CancellationToken cancellationToken)
    {
        if (name is null || !ObjectNames.IsValid(name))
        {
            return null;
        }

        var cached = Cached(@namespace, name);
        var recorded = written?.FirstOrDefault(w => w.Name == name)?.ResourceVersion;
        return cached is not null && (recorded is null || recorded == cached.Metadata.ResourceVersion)
            ? cached
            : await secrets.GetAsync(name, @namespace, cancellationToken);
    }

    /// <summary>The cached Secret (only managed ones are cached); null when there is none.</summary>
    public V1Secret? Cached(string @namespace, string? name) =>
        name is null ? null : managedSecrets.Store.Get(new ObjectKey(@namespace, name));
}
