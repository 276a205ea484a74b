using System.Globalization;
using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Errors;
using AppKeys.LocalApiServer.Model;

namespace AppKeys.LocalApiServer.Patching;

/// <summary>
/// Server-side apply (<c>application/apply-patch+yaml</c>) after structured-merge-diff's <c>Updater.Apply</c>: the
/// applied configuration is merged into the live object (lists merged per element where the kind's list type says
/// so: built-in <c>patchMergeKey</c>s, CRD <c>x-kubernetes-list-type: map/set</c>), the manager's <c>Apply</c> entry in
/// <c>metadata.managedFields</c> is replaced by the applied field set, and the fields the manager applied before but
/// omits now are removed unless another manager (Apply or Update) still owns them.
/// </summary>
/// <remarks>
/// Conflicts: an applied leaf whose live value differs and that another manager's entry lists is a conflict,
/// answered 409 unless <c>force</c>, which takes the conflicting fields away from the other managers. Differences
/// from kube: CRD map lists with a compound key are atomic; the merge of built-ins is a strategic merge (so a list
/// kube types as atomic but whose struct tag says merge is merged).
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

        var meta = ResourcePatchMeta.For(resource);
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
            merged = MergeApplied(live, config, meta);
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
        var appliedFields = FieldSet(config, meta, root: true);
        var previous = managed.OfType<JsonObject>().FirstOrDefault(e => IsApplier(e, fieldManager))?["fieldsV1"] as JsonObject;
        if (previous is not null)
        {
            RemoveUnapplied(merged, previous, appliedFields, kept.OfType<JsonObject>().Select(e => e["fieldsV1"]).OfType<JsonObject>().ToList());
        }
        kept.Add(new JsonObject
        {
            ["manager"] = fieldManager,
            ["operation"] = "Apply",
            ["apiVersion"] = resource.GroupVersion,
            ["time"] = now.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["fieldsType"] = "FieldsV1",
            ["fieldsV1"] = appliedFields,
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

    /// <summary>
    /// The applied configuration merged into a custom resource as structured-merge-diff merges it: maps field by
    /// field, <c>map</c> lists element by key and <c>set</c> lists value by value (live elements keep their place, new
    /// ones follow), anything else replaced; a null removes the field.
    /// </summary>
    private static JsonObject MergeApplied(JsonObject live, JsonObject config, PatchMeta? meta)
    {
        var result = (JsonObject)live.DeepClone();
        foreach (var (key, value) in config)
        {
            var field = meta?.Lookup(key);
            switch (value, result[key])
            {
                case (null, _):
                    result.Remove(key);
                    break;
                case (JsonObject applied, JsonObject current):
                    result[key] = MergeApplied(current, applied, field?.Child);
                    break;
                case (JsonArray applied, JsonArray current) when field?.Strategy == "merge":
                    result[key] = MergeList(current, applied, field);
                    break;
                default:
                    result[key] = value.DeepClone();
                    break;
            }
        }
        return result;
    }

    private static JsonArray MergeList(JsonArray live, JsonArray applied, PatchField field)
    {
        var result = new JsonArray();
        var used = new HashSet<JsonNode?>(ReferenceEqualityComparer.Instance);
        foreach (var item in live)
        {
            var match = applied.FirstOrDefault(a => !used.Contains(a) && SameElement(item, a, field.MergeKey));
            if (match is null)
            {
                result.Add(item?.DeepClone());
                continue;
            }
            used.Add(match);
            result.Add(item is JsonObject l && match is JsonObject m ? MergeApplied(l, m, field.Child) : match.DeepClone());
        }
        foreach (var item in applied.Where(a => !used.Contains(a)))
        {
            result.Add(item?.DeepClone());
        }
        return result;
    }

    private static bool SameElement(JsonNode? a, JsonNode? b, string? mergeKey) => mergeKey is null
        ? JsonNode.DeepEquals(a, b)
        : a is JsonObject x && b is JsonObject y && JsonNode.DeepEquals(x[mergeKey], y[mergeKey]);

    /// <summary>
    /// structured-merge-diff's removal: what <paramref name="previous"/> held and <paramref name="applied"/> no longer
    /// does is deleted from the object, unless one of <paramref name="others"/> owns it, something inside it, or a
    /// field above it. An element marker (<c>.</c>) stands for the list element itself.
    /// </summary>
    private static void RemoveUnapplied(JsonObject obj, JsonObject previous, JsonObject applied, List<JsonObject> others)
    {
        var removed = new List<string[]>();
        SetLeaves(previous, [], removed);
        // Shallowest first: a removed element takes what is inside it; the key fields of an element that stays are kept.
        foreach (var path in removed.Where(p => !HasNode(applied, p)).OrderBy(p => p.Length))
        {
            if (others.Any(o => HasNode(o, path) || OwnsAncestor(o, path)) || IsKeyOfElement(path))
            {
                continue;
            }
            RemovePath(obj, path);
        }
    }

    /// <summary>A field named in its element's key (<c>k:{"name":...}</c> then <c>f:name</c>): it identifies the element.</summary>
    private static bool IsKeyOfElement(string[] path)
    {
        if (path.Length < 2 || !path[^2].StartsWith("k:", StringComparison.Ordinal) || !path[^1].StartsWith("f:", StringComparison.Ordinal))
        {
            return false;
        }
        try
        {
            return JsonNode.Parse(path[^2][2..]) is JsonObject key && key.ContainsKey(path[^1][2..]);
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    private static void SetLeaves(JsonObject set, List<string> prefix, List<string[]> output)
    {
        foreach (var (key, value) in set)
        {
            if (key == ".")
            {
                output.Add([.. prefix]);
                continue;
            }
            prefix.Add(key);
            if (value is JsonObject { Count: > 0 } child)
            {
                SetLeaves(child, prefix, output);
            }
            else
            {
                output.Add([.. prefix]);
            }
            prefix.RemoveAt(prefix.Count - 1);
        }
    }

    private static bool HasNode(JsonObject set, string[] path) => path.Length > 0 && Contains(set, path);

    /// <summary>Whether a leaf of <paramref name="set"/> lies on the way to <paramref name="path"/> (it owns the whole subtree).</summary>
    private static bool OwnsAncestor(JsonObject set, string[] path)
    {
        JsonObject? node = set;
        for (var i = 0; i < path.Length - 1; i++)
        {
            node = node?[path[i]] as JsonObject;
            if (node is null)
            {
                return false;
            }
            if (node.Count == 0)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Deletes the field, list element (<c>k:</c>) or set value (<c>v:</c>) a field-set path names.</summary>
    private static void RemovePath(JsonObject obj, string[] path)
    {
        JsonNode? node = obj;
        for (var i = 0; i < path.Length - 1 && node is not null; i++)
        {
            node = Element(node, path[i]);
        }
        var last = path[^1];
        if (node is JsonObject o && last.StartsWith("f:", StringComparison.Ordinal))
        {
            o.Remove(last[2..]);
        }
        else if (node is JsonArray list && Element(list, last) is { } element)
        {
            list.Remove(element);
        }
    }

    /// <summary>The child a field-set key names: <c>f:name</c> a field, <c>k:{"name":"x"}</c> a keyed element, <c>v:"x"</c> a set value.</summary>
    private static JsonNode? Element(JsonNode node, string key)
    {
        if (key.StartsWith("f:", StringComparison.Ordinal))
        {
            return (node as JsonObject)?[key[2..]];
        }
        if (node is not JsonArray list || key.Length < 2)
        {
            return null;
        }
        JsonNode? wanted;
        try
        {
            wanted = JsonNode.Parse(key[2..]);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
        return key[0] switch
        {
            'v' => list.FirstOrDefault(e => JsonNode.DeepEquals(e, wanted)),
            'k' when wanted is JsonObject fields => list.OfType<JsonObject>().FirstOrDefault(e => fields.All(kv => JsonNode.DeepEquals(e[kv.Key], kv.Value))),
            _ => null,
        };
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
        var text = GoCompat.GoText.Quote(Text(entry["manager"]) ?? "");
        if (Text(entry["subresource"]) is { Length: > 0 } subresource)
        {
            text += " with subresource " + GoCompat.GoText.Quote(subresource);
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
