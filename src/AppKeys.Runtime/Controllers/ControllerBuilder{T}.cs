using AppKeys.Runtime.Client;
using AppKeys.Runtime.Hosting;
using AppKeys.Runtime.Informers;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;

namespace AppKeys.Runtime.Controllers;

/// <summary>
/// Configures a controller for <typeparamref name="T"/>: its name, workers, backoff and which other kinds' events
/// enqueue its objects. Used by <c>services.AddController&lt;T, TReconciler&gt;(c =&gt; ...)</c>.
/// </summary>
/// <typeparam name="T">The controller's kind.</typeparam>
public sealed class ControllerBuilder<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly List<Func<IServiceProvider, Action<ObjectKey>, IDisposable>> sources = [];

    internal ControllerBuilder()
    {
        Name = ResourceInfo.For<T>().Kind.ToLowerInvariant();
    }

    /// <summary>Controller name (metrics label, logs, queue name). Default: the kind in lower case.</summary>
    public string Name { get; set; }

    /// <summary>Concurrent reconciles (different keys). Default 2.</summary>
    public int Workers { get; set; } = 2;

    /// <summary>Backoff after the first failure of a key. Default 5 ms.</summary>
    public TimeSpan BaseRetryDelay { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Largest backoff of a key. Default 1000 s.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(1000);

    /// <summary>Informer types this controller needs (its own kind and every watched kind).</summary>
    internal List<Type> InformerTypes { get; } = [typeof(T)];

    /// <summary>Registrations of the informers of watched kinds (run by <c>AddController</c>).</summary>
    internal List<Action<IServiceCollection>> InformerRegistrations { get; } = [];

    /// <summary>Event sources registered by <see cref="Owns{TOwned}"/> and <see cref="Watches{TOther}(Func{TOther, IEnumerable{ObjectKey}})"/>.</summary>
    internal IReadOnlyList<Func<IServiceProvider, Action<ObjectKey>, IDisposable>> Sources => sources;

    /// <summary>Sets <see cref="Name"/>.</summary>
    public ControllerBuilder<T> WithName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        return this;
    }

    /// <summary>Sets <see cref="Workers"/>.</summary>
    public ControllerBuilder<T> WithWorkers(int workers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        Workers = workers;
        return this;
    }

    /// <summary>Sets the per-key backoff range.</summary>
    public ControllerBuilder<T> WithRetryDelays(TimeSpan baseDelay, TimeSpan maxDelay)
    {
        BaseRetryDelay = baseDelay;
        MaxRetryDelay = maxDelay;
        return this;
    }

    /// <summary>
    /// Events on <typeparamref name="TOwned"/> objects enqueue their owner: the controller ownerReference
    /// (<c>controller: true</c>) whose kind and API group are <typeparamref name="T"/>'s, in the owned object's
    /// namespace. An informer for <typeparamref name="TOwned"/> is registered if none is (configure it, e.g. with a
    /// label selector, through <c>services.AddInformer&lt;TOwned&gt;(...)</c>).
    /// </summary>
    public ControllerBuilder<T> Owns<TOwned>()
        where TOwned : class, IKubernetesObject<V1ObjectMeta>
    {
        var owner = ResourceInfo.For<T>();
        return Watches<TOwned>(owned => OwnerKeys(owned, owner));
    }

    /// <summary>
    /// Events on <typeparamref name="TOther"/> objects enqueue the keys <paramref name="map"/> returns (e.g. map a
    /// Secret to its owner by a label). The map runs on the informer loop: keep it fast and pure.
    /// On a change, both the old and new state are mapped.
    /// </summary>
    public ControllerBuilder<T> Watches<TOther>(Func<TOther, IEnumerable<ObjectKey>> map)
        where TOther : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(map);
        if (!InformerTypes.Contains(typeof(TOther)))
        {
            InformerTypes.Add(typeof(TOther));
            InformerRegistrations.Add(services => services.AddInformer<TOther>());
        }

        sources.Add((services, enqueue) =>
        {
            var informer = (IInformer<TOther>)services.GetService(typeof(IInformer<TOther>))!;
            return informer.AddHandler(e =>
            {
                foreach (var key in map(e.Object))
                {
                    enqueue(key);
                }

                if (e.OldObject is not null)
                {
                    foreach (var key in map(e.OldObject))
                    {
                        enqueue(key);
                    }
                }
            });
        });
        return this;
    }

    /// <summary>Keys of the controller owner of <paramref name="owned"/> if it is of kind <paramref name="owner"/>.</summary>
    internal static IEnumerable<ObjectKey> OwnerKeys(IKubernetesObject<V1ObjectMeta> owned, ResourceInfo owner)
    {
        var reference = KubernetesObjects.ControllerOwner(owned);
        if (reference is null || reference.Kind != owner.Kind)
        {
            return [];
        }

        var group = reference.ApiVersion?.Contains('/', StringComparison.Ordinal) == true
            ? reference.ApiVersion[..reference.ApiVersion.IndexOf('/', StringComparison.Ordinal)]
            : string.Empty;
        if (group != owner.Group)
        {
            return [];
        }

        return [new ObjectKey(owner.Namespaced ? owned.Metadata.NamespaceProperty : null, reference.Name)];
    }
}
