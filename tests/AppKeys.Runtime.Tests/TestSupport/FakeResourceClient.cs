using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using AppKeys.Runtime.Client;
using k8s;
using k8s.Models;

namespace AppKeys.Runtime.Tests.TestSupport;

/// <summary>
/// In-memory list/watch source for informer tests: the test decides what each list returns and feeds every watch
/// connection event by event (or ends it, or fails it).
/// </summary>
internal sealed class FakeResourceClient : IResourceClient<V1ConfigMap>
{
    private static readonly object End = new();
    private readonly Lock gate = new();
    private readonly Dictionary<string, V1ConfigMap> state = [];
    private readonly Channel<object> stream = Channel.CreateUnbounded<object>();
    private long version = 1;

    public ResourceInfo Resource { get; } = ResourceInfo.For<V1ConfigMap>();

    public List<string?> WatchResourceVersions { get; } = [];

    public int Lists { get; private set; }

    public int OpenWatches;

    public static V1ConfigMap Object(string name, string rv) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "ns", ResourceVersion = rv, Uid = "uid-" + name },
    };

    /// <summary>Changes the state the next list returns (no watch event).</summary>
    public V1ConfigMap Put(string name)
    {
        lock (gate)
        {
            var obj = Object(name, (++version).ToString(CultureInfo.InvariantCulture));
            state[name] = obj;
            return obj;
        }
    }

    public void Delete(string name)
    {
        lock (gate)
        {
            state.Remove(name);
            version++;
        }
    }

    public void Send(WatchEventType type, V1ConfigMap obj) => stream.Writer.TryWrite(new ResourceWatchEvent<V1ConfigMap>(type, obj));

    public void EndWatch() => stream.Writer.TryWrite(End);

    public void FailWatch(Exception e) => stream.Writer.TryWrite(e);

    public Task<ResourceList<V1ConfigMap>> ListAsync(string? @namespace, ListOptions? options = null, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            Lists++;
            return Task.FromResult(new ResourceList<V1ConfigMap>([.. state.Values.Select(KubernetesObjects.Clone)], version.ToString(CultureInfo.InvariantCulture), null));
        }
    }

    public async IAsyncEnumerable<ResourceWatchEvent<V1ConfigMap>> WatchAsync(string? @namespace, ListOptions options, int timeoutSeconds, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            WatchResourceVersions.Add(options.ResourceVersion);
        }

        Interlocked.Increment(ref OpenWatches);
        try
        {
            while (true)
            {
                var item = await stream.Reader.ReadAsync(cancellationToken);
                if (ReferenceEquals(item, End))
                {
                    yield break;
                }

                if (item is Exception e)
                {
                    throw e;
                }

                yield return (ResourceWatchEvent<V1ConfigMap>)item;
            }
        }
        finally
        {
            Interlocked.Decrement(ref OpenWatches);
        }
    }

    public Task<V1ConfigMap?> GetAsync(string name, string? @namespace, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<V1ConfigMap> CreateAsync(V1ConfigMap obj, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<V1ConfigMap> ReplaceAsync(V1ConfigMap obj, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<V1ConfigMap> PatchAsync(string name, string? @namespace, ResourcePatch patch, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<bool> DeleteAsync(string name, string? @namespace, V1DeleteOptions? options = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<V1ConfigMap> ReplaceStatusAsync(V1ConfigMap obj, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<V1ConfigMap> PatchStatusAsync(string name, string? @namespace, ResourcePatch patch, CancellationToken cancellationToken = default) => throw new NotSupportedException();
}
