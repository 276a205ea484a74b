using AppKeys.LocalApiServer.Model;
using AppKeys.LocalApiServer.Storage;

namespace AppKeys.LocalApiServer.Resources;

/// <summary>The per-kind strategies (<see cref="IResourceStrategy"/>), by group and resource (plural).</summary>
internal sealed class ResourceStrategies
{
    private readonly Dictionary<(string Group, string Plural), IResourceStrategy> byResource = [];

    public ResourceStrategies(ClusterStore store)
    {
        Register("", "services", new ServiceStrategy(store));
    }

    /// <summary>The strategy of <paramref name="r"/>'s kind, or null when it only has the common write path.</summary>
    public IResourceStrategy? For(ApiResourceInfo r) => byResource.GetValueOrDefault((r.Group, r.Plural));

    private void Register(string group, string plural, IResourceStrategy strategy) => byResource[(group, plural)] = strategy;
}
