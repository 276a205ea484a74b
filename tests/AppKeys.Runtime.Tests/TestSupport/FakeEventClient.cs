using System.Collections.Concurrent;
using System.Net;
using AppKeys.Runtime.Client;
using k8s;
using k8s.Models;

namespace AppKeys.Runtime.Tests.TestSupport;

/// <summary>
/// In-memory Events endpoint that records every API action ("create name", "patch name count=N"); a test can hold
/// every request on <see cref="Gate"/> to show that recording does not wait for writes.
/// </summary>
internal sealed class FakeEventClient : IResourceClient<Corev1Event>
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, Corev1Event> stored = [];

    public ResourceInfo Resource { get; } = ResourceInfo.For<Corev1Event>();

    public ConcurrentQueue<string> Actions { get; } = new();

    /// <summary>When set, every request waits for it.</summary>
    public TaskCompletionSource? Gate { get; set; }

    public IReadOnlyList<Corev1Event> Stored
    {
        get
        {
            lock (gate)
            {
                return [.. stored.Values.Select(KubernetesObjects.Clone)];
            }
        }
    }

    /// <summary>Forgets every stored Event (the API server's Event TTL).</summary>
    public void Clear()
    {
        lock (gate)
        {
            stored.Clear();
        }
    }

    public async Task<Corev1Event> CreateAsync(Corev1Event obj, CancellationToken cancellationToken = default)
    {
        await WaitAsync();
        lock (gate)
        {
            Actions.Enqueue($"create {obj.Metadata.Name} count={obj.Count}");
            if (!stored.TryAdd(obj.Metadata.Name, KubernetesObjects.Clone(obj)))
            {
                throw new KubernetesApiException(HttpStatusCode.Conflict, new V1Status { Reason = "AlreadyExists", Code = 409 }, "exists");
            }

            return obj;
        }
    }

    public async Task<Corev1Event> PatchAsync(string name, string? @namespace, ResourcePatch patch, CancellationToken cancellationToken = default)
    {
        await WaitAsync();
        var change = KubernetesJson.Deserialize<Corev1Event>((string)patch.Content);
        lock (gate)
        {
            Actions.Enqueue($"patch {name} count={change.Count}");
            if (!stored.TryGetValue(name, out var existing))
            {
                throw new KubernetesApiException(HttpStatusCode.NotFound, new V1Status { Reason = "NotFound", Code = 404 }, "not found");
            }

            existing.Count = change.Count ?? existing.Count;
            existing.LastTimestamp = change.LastTimestamp ?? existing.LastTimestamp;
            existing.Message = change.Message ?? existing.Message;
            return KubernetesObjects.Clone(existing);
        }
    }

    public async Task<Corev1Event?> GetAsync(string name, string? @namespace, CancellationToken cancellationToken = default)
    {
        await WaitAsync();
        lock (gate)
        {
            return stored.TryGetValue(name, out var e) ? KubernetesObjects.Clone(e) : null;
        }
    }

    public async Task<Corev1Event> ReplaceAsync(Corev1Event obj, CancellationToken cancellationToken = default)
    {
        await WaitAsync();
        lock (gate)
        {
            Actions.Enqueue($"replace {obj.Metadata.Name} count={obj.Count}");
            stored[obj.Metadata.Name] = KubernetesObjects.Clone(obj);
            return obj;
        }
    }

    public Task<ResourceList<Corev1Event>> ListAsync(string? @namespace, ListOptions? options = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public IAsyncEnumerable<ResourceWatchEvent<Corev1Event>> WatchAsync(string? @namespace, ListOptions options, int timeoutSeconds, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<bool> DeleteAsync(string name, string? @namespace, V1DeleteOptions? options = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<Corev1Event> ReplaceStatusAsync(Corev1Event obj, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<Corev1Event> PatchStatusAsync(string name, string? @namespace, ResourcePatch patch, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    private Task WaitAsync() => Gate?.Task ?? Task.CompletedTask;
}
