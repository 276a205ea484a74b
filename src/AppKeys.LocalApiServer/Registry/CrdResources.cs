using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Model;
using AppKeys.LocalApiServer.Objects;

namespace AppKeys.LocalApiServer.Registry;

/// <summary>Derives the served resources of a CustomResourceDefinition (apiextensions.k8s.io/v1).</summary>
public static class CrdResources
{
    public static IReadOnlyList<ApiResourceInfo> FromCrd(JsonObject crd)
    {
        var spec = JsonText.GetObject(crd, "spec");
        var names = JsonText.GetObject(spec, "names");
        var group = JsonText.GetString(spec, "group") ?? "";
        var plural = JsonText.GetString(names, "plural") ?? "";
        var kind = JsonText.GetString(names, "kind") ?? "";
        if (spec is null || names is null || group.Length == 0 || plural.Length == 0 || kind.Length == 0)
        {
            return [];
        }
        var singular = JsonText.GetString(names, "singular") is { Length: > 0 } s ? s : kind.ToLowerInvariant();
        var listKind = JsonText.GetString(names, "listKind") is { Length: > 0 } lk ? lk : kind + "List";
        var namespaced = JsonText.GetString(spec, "scope") != "Cluster";
        var shortNames = Strings(names["shortNames"]);
        var categories = Strings(names["categories"]);
        var result = new List<ApiResourceInfo>();
        if (spec["versions"] is not JsonArray versions)
        {
            return result;
        }
        foreach (var v in versions.OfType<JsonObject>())
        {
            var name = JsonText.GetString(v, "name");
            if (name is null || v["served"] is not JsonValue served || !served.TryGetValue<bool>(out var isServed) || !isServed)
            {
                continue;
            }
            var schema = JsonText.GetObject(v, "schema", "openAPIV3Schema");
            var columns = new List<PrinterColumn>();
            if (v["additionalPrinterColumns"] is JsonArray cols)
            {
                foreach (var c in cols.OfType<JsonObject>())
                {
                    var priority = JsonText.TryGetLong(c["priority"], out var p) ? (int)p : 0;
                    columns.Add(new PrinterColumn(
                        JsonText.GetString(c, "name") ?? "",
                        JsonText.GetString(c, "type") ?? "string",
                        JsonText.GetString(c, "format"),
                        JsonText.GetString(c, "description"),
                        priority,
                        JsonText.GetString(c, "jsonPath") ?? ""));
                }
            }
            var selectable = new List<string>();
            if (v["selectableFields"] is JsonArray sf)
            {
                foreach (var f in sf.OfType<JsonObject>())
                {
                    if (JsonText.GetString(f, "jsonPath") is { Length: > 1 } jp)
                    {
                        selectable.Add(jp.TrimStart('.'));
                    }
                }
            }
            result.Add(new ApiResourceInfo
            {
                Group = group,
                Version = name,
                Kind = kind,
                ListKind = listKind,
                Plural = plural,
                Singular = singular,
                Namespaced = namespaced,
                ShortNames = shortNames,
                Categories = categories,
                HasStatusSubresource = JsonText.GetObject(v, "subresources", "status") is not null,
                PrinterColumns = columns,
                Schema = schema is null ? null : (JsonObject)schema.DeepClone(),
                SelectableFields = selectable,
                IsCustom = true,
            });
        }
        return result;
    }

    /// <summary>The storage version (the one with <c>storage: true</c>), or the first version.</summary>
    public static string? StorageVersion(JsonObject crd)
    {
        if (JsonText.GetObject(crd, "spec")?["versions"] is not JsonArray versions)
        {
            return null;
        }
        string? first = null;
        foreach (var v in versions.OfType<JsonObject>())
        {
            first ??= JsonText.GetString(v, "name");
            if (v["storage"] is JsonValue sv && sv.TryGetValue<bool>(out var st) && st)
            {
                return JsonText.GetString(v, "name");
            }
        }
        return first;
    }

    private static List<string> Strings(JsonNode? node) =>
        node is JsonArray a ? a.Select(JsonText.ScalarString).OfType<string>().ToList() : [];
}
