using AppKeys.Runtime;
using AppKeys.Runtime.Informers;
using k8s.Models;

namespace AppKeys.Operator.Signing;

/// <summary>
/// The JWKS ConfigMap informer as the signing-key controller sees it: when the ConfigMap does not exist yet (first
/// install), a handler is also told about it as if it had been added, so the controller runs once at start and creates
/// the key set and the ConfigMap. Everything else is the runtime's informer.
/// </summary>
public sealed class JwksConfigMapInformer(IInformer<V1ConfigMap> inner, string @namespace) : IInformer<V1ConfigMap>
{
    public IObjectStore<V1ConfigMap> Store => inner.Store;

    public string ResourceName => inner.ResourceName;

    public bool HasSynced => inner.HasSynced;

    public Task RunAsync(CancellationToken cancellationToken) => inner.RunAsync(cancellationToken);

    public Task WaitForSyncAsync(CancellationToken cancellationToken) => inner.WaitForSyncAsync(cancellationToken);

    public IDisposable AddHandler(Action<InformerEvent<V1ConfigMap>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var subscription = inner.AddHandler(handler);
        if (inner.Store.Get(new ObjectKey(@namespace, JwksPublisher.ConfigMapName)) is null)
        {
            handler(new InformerEvent<V1ConfigMap>(InformerEventType.Added, new V1ConfigMap { Metadata = new V1ObjectMeta { Name = JwksPublisher.ConfigMapName, NamespaceProperty = @namespace } }, null));
        }

        return subscription;
    }
}
