using AppKeys.Operator.Hosting;
using AppKeys.Runtime.Client;
using AppKeys.Runtime.Informers;
using AppKeys.Runtime.Metrics;
using k8s.Models;

namespace AppKeys.Operator.KeyManager;

/// <summary>
/// An informer of its own on the Secrets of the operator's namespace (token keys, revocations, endpoint CA and
/// certificate), so every replica sees what another wrote, whatever namespaces the controllers watch.
/// </summary>
public sealed class KeyManagerSecrets
{
    public KeyManagerSecrets(IResourceClient<V1Secret> client, OperatorOptions options, TimeProvider time, RuntimeMetrics metrics, ILogger<Informer<V1Secret>> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        Namespace = options.Namespace;
        Client = client;
        Informer = new Informer<V1Secret>(client, new InformerOptions<V1Secret>
        {
            Namespaces = [options.Namespace],
            Transform = InformerTransforms.StripManagedFields,
            MinWatchTimeout = TimeSpan.FromMinutes(5),
        }, time, metrics, logger);
    }

    public string Namespace { get; }

    public IResourceClient<V1Secret> Client { get; }

    public Informer<V1Secret> Informer { get; }

    public V1Secret? Get(string name) => Informer.Store.Get(new Runtime.ObjectKey(Namespace, name));

    /// <summary>Calls <paramref name="changed"/> with the Secret named <paramref name="name"/> (null when deleted) on every change.</summary>
    public IDisposable OnChange(string name, Action<V1Secret?> changed) =>
        Informer.AddHandler(e =>
        {
            if (e.Object?.Metadata?.Name == name)
            {
                changed(e.Type == InformerEventType.Deleted ? null : e.Object);
            }
        });
}
