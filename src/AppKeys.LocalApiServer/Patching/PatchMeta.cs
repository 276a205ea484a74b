namespace AppKeys.LocalApiServer.Patching;

/// <summary>
/// Strategic-merge metadata of one struct type: for each JSON field its patch strategy, merge key and the
/// metadata of its value (the element type for lists). Mirrors the <c>patchStrategy</c> / <c>patchMergeKey</c>
/// struct tags of k8s.io/api that kube-apiserver reads through reflection.
/// </summary>
internal sealed class PatchMeta
{
    private readonly Dictionary<string, PatchField> fields = new(StringComparer.Ordinal);

    public PatchField? Lookup(string field) => fields.GetValueOrDefault(field);

    public PatchMeta Struct(string field, PatchMeta child)
    {
        fields[field] = new PatchField(null, null, false, child);
        return this;
    }

    public PatchMeta MergeList(string field, string? mergeKey, PatchMeta? element = null, bool retainKeys = false)
    {
        fields[field] = new PatchField("merge", mergeKey, retainKeys, element);
        return this;
    }

    public PatchMeta RetainKeys(string field, PatchMeta? child = null)
    {
        fields[field] = new PatchField(null, null, true, child);
        return this;
    }
}

/// <summary>Patch strategy of one field: <c>merge</c> (lists merge by key or as a set), or null (replace lists).</summary>
internal sealed record PatchField(string? Strategy, string? MergeKey, bool RetainKeys, PatchMeta? Child);
