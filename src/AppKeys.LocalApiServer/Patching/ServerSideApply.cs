using System.Globalization;
using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Errors;
using AppKeys.LocalApiServer.Model;

namespace AppKeys.LocalApiServer.Patching;

/// <summary>
/// An approximation of server-side apply (<c>application/apply-patch+yaml</c>): the applied configuration is
/// merged into the live object (strategic merge for built-ins, JSON merge patch for custom resources) and the
/// manager's <c>Apply</c> entry in <c>metadata.managedFields</c> is replaced by one describing the applied fields.
/// </summary>
/// <remarks>
/// Conflicts (structured-merge-diff <c>merge.Updater.Apply</c>): an applied leaf whose live value differs and that
/// another manager's entry lists is a conflict, answered 409 unless <c>force</c>, which takes the conflicting
/// fields away from the other managers. Differences from kube: fields this manager applied before but omits now
/// are NOT removed, list-type/map-type markers of CRD schemas are not consulted (custom resource lists are
/// replaced whole, so atomic leaves), and <c>Update</c> entries record lists whole, so a field inside a list
/// element owned only through such an entry is not seen as owned.
/// </remarks>
public static class ServerSideApply
{
    private static readonly HashSet<string> IdentityMetadata = new(StringComparer.Ordinal)
    {
        "name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "managedFields",
        "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds",
    };

    public static JsonNode Merge(JsonNode? existing, JsonNode applied, ApiResourceInfo resource, string fieldManager,
        DateTimeOffset now, bool force = false)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentException.ThrowIfNullOrEmpty(fieldManager);
        if (applied is not JsonObject appliedObject)
        {
            throw new PatchException("error decoding YAML: object expected", 400);
        }

        var config = (JsonObject)appliedObject.DeepClone();
        if (config["metadata"] is JsonObject configMeta)
        {
            // managedFields cannot be applied; kube rejects a non-empty value, we simply ignore it.
            configMeta.Remove("managedFields");
        }

        var meta = BuiltInPatchMeta.For(resource);
        var conflicts = existing is JsonObject current ? Conflicts(current, config, meta, fieldManager) : [];
        if (conflicts.Count > 0 && !force)
        {
            throw StatusErrors.ApplyConflict([.. conflicts.Select(c => (c.Manager, c.Path))]);
        }

        JsonObject merged;
        if (existing is not JsonObject live)
        {
            merged = (JsonObject)(JsonMergePatch.Apply(new JsonObject(), config) ?? new JsonObject());
        }
        else if (resource.IsCustom)
        {
            merged = (JsonObject)JsonMergePatch.Apply(live, config)!;
        }
        else
        {
            merged = (JsonObject)StrategicMergePatch.Apply(live, config, resource);
        }

        var metadata = merged["metadata"] as JsonObject;
        if (metadata is null)
        {
            metadata = [];
            merged["metadata"] = metadata;
        }

        var managed = metadata["managedFields"] as JsonArray ?? [];
        metadata.Remove("managedFields");
        var kept = new List<JsonNode?>();
        for (var index = 0; index < managed.Count; index++)
        {
            // The merge leaves managedFields as the live object had them: conflicts name entries by position.
            var e = managed[index];
            var o = e as JsonObject;
            if (o is not null && IsApplier(o, fieldManager))
            {
                continue;
            }
            var copy = e?.DeepClone();
            if (copy is JsonObject entry && entry["fieldsV1"] is JsonObject set)
            {
                // force: the applier takes the conflicting fields; an entry left with no field is dropped.
                var taken = conflicts.Where(c => c.Entry == index).ToList();
                foreach (var c in taken)
                {
                    Remove(set, c.Keys);
                }
                if (set.Count == 0 && taken.Count > 0)
                {
                    continue;
                }
            }
            kept.Add(copy);
        }
        kept.Add(new JsonObject
        {
            ["manager"] = fieldManager,
            ["operation"] = "Apply",
            ["apiVersion"] = resource.GroupVersion,
            ["time"] = now.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["fieldsType"] = "FieldsV1",
            ["fieldsV1"] = FieldSet(config, meta, root: true),
        });
        metadata["managedFields"] = new JsonArray([.. kept]);
        return merged;
    }

    /// <summary>
    /// The <c>fieldsV1</c> set of a configuration: <c>f:</c> per field, <c>k:{...}</c> for elements of lists
    /// merged by key, <c>v:</c> for set elements, atomic lists as leaves.
    /// </summary>
    internal static JsonObject FieldSet(JsonObject config, PatchMeta? meta, bool root)
    {
        var set = new JsonObject();
        foreach (var (key, value) in config)
        {
            if (root && key is "apiVersion" or "kind")
            {
                continue;
            }

            if (key.StartsWith('$'))
            {
                continue;
            }

            var field = meta?.Lookup(key);
            JsonObject child;
            if (root && key == "metadata" && value is JsonObject md)
            {
                var filtered = new JsonObject();
                foreach (var (mk, mv) in md)
                {
                    if (!IdentityMetadata.Contains(mk))
                    {
                        filtered[mk] = mv?.DeepClone();
                    }
                }

                if (filtered.Count == 0)
                {
                    continue;
                }

                child = FieldSet(filtered, field?.Child, root: false);
            }
            else if (value is JsonObject o)
            {
                child = FieldSet(o, field?.Child, root: false);
            }
            else if (value is JsonArray a && field?.Strategy == "merge")
            {
                child = [];
                foreach (var item in a)
                {
                    if (item is JsonObject element && field.MergeKey is { } mergeKey && element[mergeKey] is { } keyValue)
                    {
                        var entry = FieldSet(element, field.Child, root: false);
                        entry.Insert(0, ".", new JsonObject());
                        child[$"k:{{\"{mergeKey}\":{keyValue.ToJsonString()}}}"] = entry;
                    }
                    else if (item is JsonValue)
                    {
                        child["v:" + item.ToJsonString()] = new JsonObject();
                    }
                }
            }
            else
            {
                child = [];
            }

            set["f:" + key] = child;
        }

        return set;
    }

    private sealed record Leaf(string[] Keys, string Path, bool Changed);

    private sealed record Conflict(int Entry, string Manager, string[] Keys, string Path);

    private static bool IsApplier(JsonObject entry, string fieldManager) =>
        Text(entry["manager"]) == fieldManager && Text(entry["operation"]) == "Apply";

    /// <summary>
    /// The applied leaves whose live value differs and that another manager owns, sorted by manager then path
    /// (kube groups its message by sorted manager).
    /// </summary>
    private static List<Conflict> Conflicts(JsonObject live, JsonObject config, PatchMeta? meta, string fieldManager)
    {
        if (live["metadata"]?["managedFields"] is not JsonArray managed)
        {
            return [];
        }
        var leaves = new List<Leaf>();
        Leaves(config, live, meta, root: true, [], "", leaves);
        var conflicts = new List<Conflict>();
        for (var index = 0; index < managed.Count; index++)
        {
            if (managed[index] is not JsonObject entry || IsApplier(entry, fieldManager) || entry["fieldsV1"] is not JsonObject set)
            {
                continue;
            }
            foreach (var leaf in leaves.Where(l => l.Changed && Contains(set, l.Keys)))
            {
                conflicts.Add(new Conflict(index, ManagerText(entry), leaf.Keys, leaf.Path));
            }
        }
        return [.. conflicts.OrderBy(c => c.Manager, StringComparer.Ordinal).ThenBy(c => c.Path, StringComparer.Ordinal)];
    }

    /// <summary>apiserver <c>printManager</c>: the quoted name, the subresource, and for Update the API version.</summary>
    private static string ManagerText(JsonObject entry)
    {
        var text = Schema.GoText.Quote(Text(entry["manager"]) ?? "");
        if (Text(entry["subresource"]) is { Length: > 0 } subresource)
        {
            text += " with subresource " + Schema.GoText.Quote(subresource);
        }
        // The manager identifier kube compares carries no time, so "at <time>" is never printed.
        return Text(entry["operation"]) == "Update" ? $"{text} using {Text(entry["apiVersion"])}" : text;
    }

    /// <summary>
    /// The leaves of a configuration as <see cref="FieldSet"/> lists them (field-set keys and the
    /// structured-merge-diff path text), each with whether the live object holds a different value there.
    /// </summary>
    private static void Leaves(JsonObject config, JsonObject? live, PatchMeta? meta, bool root, List<string> keys,
        string path, List<Leaf> output)
    {
        foreach (var (key, value) in config)
        {
            if ((root && key is "apiVersion" or "kind") || key.StartsWith('$'))
            {
                continue;
            }
            var field = meta?.Lookup(key);
            var liveValue = live?[key];
            var fieldPath = path + "." + key;
            keys.Add("f:" + key);
            if (root && key == "metadata" && value is JsonObject md)
            {
                var filtered = new JsonObject();
                foreach (var (mk, mv) in md)
                {
                    if (!IdentityMetadata.Contains(mk))
                    {
                        filtered[mk] = mv?.DeepClone();
                    }
                }
                Leaves(filtered, liveValue as JsonObject, field?.Child, root: false, keys, fieldPath, output);
            }
            else if (value is JsonObject { Count: > 0 } o)
            {
                Leaves(o, liveValue as JsonObject, field?.Child, root: false, keys, fieldPath, output);
            }
            else if (value is JsonArray a && field?.Strategy == "merge")
            {
                foreach (var item in a)
                {
                    // Set elements (v:) and the element markers are owned by presence, never by a differing value.
                    if (item is JsonObject element && field.MergeKey is { } mergeKey && element[mergeKey] is { } keyValue)
                    {
                        var liveElement = (liveValue as JsonArray)?.OfType<JsonObject>()
                            .FirstOrDefault(e => JsonNode.DeepEquals(e[mergeKey], keyValue));
                        keys.Add($"k:{{\"{mergeKey}\":{keyValue.ToJsonString()}}}");
                        Leaves(element, liveElement, field.Child, root: false, keys,
                            $"{fieldPath}[{mergeKey}={keyValue.ToJsonString()}]", output);
                        keys.RemoveAt(keys.Count - 1);
                    }
                }
            }
            else
            {
                var changed = value is JsonObject ? liveValue is not JsonObject : !JsonNode.DeepEquals(value, liveValue);
                output.Add(new Leaf([.. keys], fieldPath, changed));
            }
            keys.RemoveAt(keys.Count - 1);
        }
    }

    private static bool Contains(JsonObject set, string[] keys)
    {
        JsonObject? node = set;
        foreach (var key in keys)
        {
            node = node?[key] as JsonObject;
        }
        return node is not null;
    }

    /// <summary>Removes a path from a field set, and the parents it leaves empty (they were not members).</summary>
    private static void Remove(JsonObject set, string[] keys)
    {
        var chain = new List<JsonObject> { set };
        foreach (var key in keys[..^1])
        {
            if (chain[^1][key] is not JsonObject next)
            {
                return;
            }
            chain.Add(next);
        }
        chain[^1].Remove(keys[^1]);
        for (var i = chain.Count - 1; i > 0 && chain[i].Count == 0; i--)
        {
            chain[i - 1].Remove(keys[i - 1]);
        }
    }

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
