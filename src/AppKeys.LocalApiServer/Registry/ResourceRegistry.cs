using AppKeys.LocalApiServer.Model;

namespace AppKeys.LocalApiServer.Registry;

/// <summary>
/// The set of served resources: the built-ins plus the served versions of established CRDs. Readers get an
/// immutable snapshot; <see cref="Revision"/> changes whenever the set changes (discovery/OpenAPI hashes).
/// </summary>
public sealed class ResourceRegistry
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, IReadOnlyList<ApiResourceInfo>> custom = new(StringComparer.Ordinal);
    private IReadOnlyList<ApiResourceInfo> all = BuiltInResources.All;
    private long revision;

    public IReadOnlyList<ApiResourceInfo> All => Volatile.Read(ref all);

    public long Revision => Interlocked.Read(ref revision);

    public ApiResourceInfo? Find(string group, string version, string plural)
    {
        foreach (var r in All)
        {
            if (r.Plural == plural && r.Version == version && r.Group == group)
            {
                return r;
            }
        }
        return null;
    }

    public bool ServesGroupVersion(string group, string version) => All.Any(r => r.Group == group && r.Version == version);

    public bool ServesGroup(string group) => All.Any(r => r.Group == group);

    /// <summary>All served versions of one storage (e.g. every version of a CRD).</summary>
    public IReadOnlyList<ApiResourceInfo> ForStorage(string storageKey) =>
        All.Where(r => BuiltInResources.StorageKey(r) == storageKey).ToList();

    /// <summary>Replaces the resources served for one CRD (empty list = stop serving it).</summary>
    public void SetCustom(string crdName, IReadOnlyList<ApiResourceInfo> resources)
    {
        lock (gate)
        {
            if (resources.Count == 0)
            {
                if (!custom.Remove(crdName))
                {
                    return;
                }
            }
            else
            {
                if (custom.TryGetValue(crdName, out var existing) && existing.SequenceEqual(resources, ResourceComparer.Instance))
                {
                    return;
                }
                custom[crdName] = resources;
            }
            var all = new List<ApiResourceInfo>(BuiltInResources.All);
            foreach (var kv in custom.OrderBy(k => k.Key, StringComparer.Ordinal))
            {
                all.AddRange(kv.Value);
            }
            Volatile.Write(ref this.all, all);
            Interlocked.Increment(ref revision);
        }
    }

    /// <summary>Records compare their schema by reference; compare the serialized schema instead.</summary>
    private sealed class ResourceComparer : IEqualityComparer<ApiResourceInfo>
    {
        public static readonly ResourceComparer Instance = new();

        public bool Equals(ApiResourceInfo? x, ApiResourceInfo? y) =>
            x is not null && y is not null
            && (x with { Schema = null, ShortNames = [], Categories = [], PrinterColumns = [], SelectableFields = [], Verbs = [] })
               == (y with { Schema = null, ShortNames = [], Categories = [], PrinterColumns = [], SelectableFields = [], Verbs = [] })
            && x.ShortNames.SequenceEqual(y.ShortNames) && x.Categories.SequenceEqual(y.Categories)
            && x.PrinterColumns.SequenceEqual(y.PrinterColumns) && x.SelectableFields.SequenceEqual(y.SelectableFields)
            && System.Text.Json.Nodes.JsonNode.DeepEquals(x.Schema, y.Schema);

        public int GetHashCode(ApiResourceInfo obj) => obj.Plural.GetHashCode(StringComparison.Ordinal);
    }
}
