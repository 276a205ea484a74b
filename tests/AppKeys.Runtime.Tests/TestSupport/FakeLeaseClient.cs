using System.Globalization;
using System.Net;
using AppKeys.Runtime.Client;
using k8s.Models;

namespace AppKeys.Runtime.Tests.TestSupport;

/// <summary>
/// An in-memory Lease endpoint with the API server's optimistic concurrency (409 on a stale resourceVersion or a
/// create of an existing lease). Several candidates share one <see cref="Store"/>; each has its own view that can be
/// cut off to simulate a partitioned leader.
/// </summary>
internal sealed class FakeLeaseClient(FakeLeaseClient.Store store) : IResourceClient<V1Lease>
{
    public bool Broken { get; set; }

    public ResourceInfo Resource { get; } = ResourceInfo.For<V1Lease>();

    public Task<V1Lease?> GetAsync(string name, string? @namespace, CancellationToken cancellationToken = default)
    {
        Check();
        lock (store)
        {
            return Task.FromResult(store.Lease is null ? null : KubernetesObjects.Clone(store.Lease));
        }
    }

    public Task<V1Lease> CreateAsync(V1Lease obj, CancellationToken cancellationToken = default)
    {
        Check();
        lock (store)
        {
            if (store.Lease is not null)
            {
                throw new KubernetesApiException(HttpStatusCode.Conflict, new V1Status { Reason = "AlreadyExists", Code = 409 }, "exists");
            }

            store.Lease = KubernetesObjects.Clone(obj);
            store.Lease.Metadata.ResourceVersion = (++store.Version).ToString(CultureInfo.InvariantCulture);
            store.Writes++;
            return Task.FromResult(KubernetesObjects.Clone(store.Lease));
        }
    }

    public Task<V1Lease> ReplaceAsync(V1Lease obj, CancellationToken cancellationToken = default)
    {
        Check();
        lock (store)
        {
            if (store.Lease is null || store.Lease.Metadata.ResourceVersion != obj.Metadata.ResourceVersion)
            {
                throw new KubernetesApiException(HttpStatusCode.Conflict, new V1Status { Reason = "Conflict", Code = 409 }, "the object has been modified");
            }

            store.Lease = KubernetesObjects.Clone(obj);
            store.Lease.Metadata.ResourceVersion = (++store.Version).ToString(CultureInfo.InvariantCulture);
            store.Writes++;
            return Task.FromResult(KubernetesObjects.Clone(store.Lease));
        }
    }

    public Task<ResourceList<V1Lease>> ListAsync(string? @namespace, ListOptions? options = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public IAsyncEnumerable<ResourceWatchEvent<V1Lease>> WatchAsync(string? @namespace, ListOptions options, int timeoutSeconds, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<V1Lease> PatchAsync(string name, string? @namespace, ResourcePatch patch, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<bool> DeleteAsync(string name, string? @namespace, V1DeleteOptions? options = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<V1Lease> ReplaceStatusAsync(V1Lease obj, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<V1Lease> PatchStatusAsync(string name, string? @namespace, ResourcePatch patch, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    private void Check()
    {
        if (Broken)
        {
            throw new HttpRequestException("network partition");
        }
    }

    internal sealed class Store
    {
        public V1Lease? Lease { get; set; }

        public long Version { get; set; }

        public int Writes { get; set; }
    }
}
