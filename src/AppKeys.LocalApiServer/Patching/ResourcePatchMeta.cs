using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Model;
using AppKeys.LocalApiServer.Schema;

namespace AppKeys.LocalApiServer.Patching;

/// <summary>
/// The list semantics of a kind for server-side apply and managedFields: the k8s.io/api struct tags for built-ins
/// (<see cref="BuiltInPatchMeta"/>), and for custom resources the CRD schema's <c>x-kubernetes-list-type</c>:
/// <c>map</c> lists are merged and owned per element by their <c>x-kubernetes-list-map-keys</c> (one key; a
/// compound key is treated as atomic), <c>set</c> lists per value, the rest atomic.
/// </summary>
internal static class ResourcePatchMeta
{
    private static readonly ConditionalWeakTable<JsonObject, PatchMeta> Custom = new();

    private static readonly PatchMeta MetadataOnly = new PatchMeta().Struct("metadata", BuiltInPatchMeta.ObjectMeta);

    public static PatchMeta For(ApiResourceInfo resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        if (!resource.IsCustom)
        {
            return BuiltInPatchMeta.For(resource);
        }
        return resource.Schema is null
            ? MetadataOnly
            : Custom.GetValue(resource.Schema, schema => FromSchema(StructuralSchema.FromOpenApiV3(schema).Root).Struct("metadata", BuiltInPatchMeta.ObjectMeta));
    }

    private static PatchMeta FromSchema(SchemaNode node)
    {
        var meta = new PatchMeta();
        foreach (var (name, child) in node.Properties ?? new Dictionary<string, SchemaNode>())
        {
            switch (child)
            {
                case { Type: "array", ListType: "map", ListMapKeys.Count: 1 }:
                    meta.MergeList(name, child.ListMapKeys[0], child.Items is null ? null : FromSchema(child.Items));
                    break;
                case { Type: "array", ListType: "set" }:
                    meta.MergeList(name, null);
                    break;
                case { Type: "object", Properties: not null }:
                    meta.Struct(name, FromSchema(child));
                    break;
                default:
                    break;
            }
        }
        return meta;
    }
}
