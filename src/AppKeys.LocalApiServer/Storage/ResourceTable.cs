using System.Text.Json.Nodes;

namespace AppKeys.LocalApiServer.Storage;

/// <summary>Objects, recent change events and watchers of one storage (a resource, all namespaces).</summary>
internal sealed class ResourceTable
{
    public ResourceTable(long floor) => WindowFloor = floor;

    /// <summary>Objects by key (<c>namespace/name</c> or <c>name</c>), ordered as kube lists them.</summary>
    public SortedDictionary<string, JsonObject> Objects { get; } = new(StringComparer.Ordinal);

    /// <summary>Recent events in resourceVersion order.</summary>
    public LinkedList<WatchEvent> Events { get; } = new();

    /// <summary>Every change with a resourceVersion greater than this is still in <see cref="Events"/>.</summary>
    public long WindowFloor { get; set; }

    public List<Watcher> Watchers { get; } = [];
}
