using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Objects;
using AppKeys.LocalApiServer.Patching;

namespace AppKeys.LocalApiServer.Resources;

/// <summary>
/// kube's field manager for Update operations: one <c>managedFields</c> entry per (manager, operation, subresource)
/// whose <c>fieldsV1</c> lists the fields of what that manager last sent, lists per element where the kind's list type
/// says so (<c>k:</c> for keyed elements, <c>v:</c> for set values; see <see cref="ResourcePatchMeta"/>). As structured-merge-diff's
/// <c>Updater.Update</c> (a forced update), the fields a write changes are taken away from the other managers,
/// and a manager left with no field loses its entry.
/// </summary>
public static class ManagedFields
{
    private static readonly HashSet<string> SystemMetadata =
    [
        "name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp",
        "deletionGracePeriodSeconds", "managedFields", "selfLink", "generateName",
    ];

    /// <summary>Records that <paramref name="manager"/> wrote <paramref name="sent"/> into <paramref name="target"/>.</summary>
    public static void Record(JsonObject target, JsonObject? previous, JsonObject sent, string manager, string operation,
        string apiVersion, string time, string? subresource) =>
        Record(target, previous, sent, manager, operation, apiVersion, time, subresource, null);

    internal static void Record(JsonObject target, JsonObject? previous, JsonObject sent, string manager, string operation,
        string apiVersion, string time, string? subresource, PatchMeta? listMeta)
    {
        var entries = new JsonArray();
        if (previous is not null && JsonText.GetObject(previous, "metadata")?["managedFields"] is JsonArray old)
        {
            foreach (var e in old.OfType<JsonObject>())
            {
                var sameManager = JsonText.GetString(e, "manager") == manager
                    && JsonText.GetString(e, "operation") == operation
                    && (JsonText.GetString(e, "subresource") ?? "") == (subresource ?? "");
                if (sameManager)
                {
                    continue;
                }
                var copy = (JsonObject)e.DeepClone();
                if (copy["fieldsV1"] is JsonObject set && set.Count > 0)
                {
                    Disown(set, previous, target);
                    if (set.Count == 0)
                    {
                        continue;
                    }
                }
                entries.Add(copy);
            }
        }
        var fields = listMeta is null ? FieldSet(sent, isRoot: true) : ServerSideApply.FieldSet(WithoutSystemMetadata(sent), listMeta, root: true);
        if (fields.Count > 0)
        {
            var entry = new JsonObject
            {
                ["manager"] = manager,
                ["operation"] = operation,
                ["apiVersion"] = apiVersion,
                ["time"] = time,
                ["fieldsType"] = "FieldsV1",
                ["fieldsV1"] = fields,
            };
            if (!string.IsNullOrEmpty(subresource))
            {
                entry["subresource"] = subresource;
            }
            entries.Add(entry);
        }
        var meta = ObjectMeta.Meta(target);
        if (entries.Count == 0)
        {
            meta.Remove("managedFields");
        }
        else
        {
            meta["managedFields"] = entries;
        }
    }

    /// <summary>
    /// Removes from a <c>fieldsV1</c> set the members whose value differs between <paramref name="before"/> and
    /// <paramref name="after"/> (an element marker <c>.</c> when the element appears or disappears), and the parents
    /// this leaves empty.
    /// </summary>
    internal static void Disown(JsonObject set, JsonNode? before, JsonNode? after)
    {
        foreach (var key in set.Select(kv => kv.Key).ToList())
        {
            if (key == ".")
            {
                if ((before is null) != (after is null))
                {
                    set.Remove(key);
                }
                continue;
            }
            var b = Step(before, key);
            var a = Step(after, key);
            if (set[key] is JsonObject { Count: > 0 } child)
            {
                Disown(child, b, a);
                if (child.Count == 0)
                {
                    set.Remove(key);
                }
            }
            else if (!JsonNode.DeepEquals(b, a))
            {
                set.Remove(key);
            }
        }
    }

    /// <summary>The value a <c>fieldsV1</c> key names inside <paramref name="node"/> (f:, k:, v:, i:).</summary>
    private static JsonNode? Step(JsonNode? node, string key)
    {
        if (key.StartsWith("f:", StringComparison.Ordinal))
        {
            return node is JsonObject o ? o[key[2..]] : null;
        }
        if (node is not JsonArray list)
        {
            return null;
        }
        if (key.StartsWith("i:", StringComparison.Ordinal))
        {
            return int.TryParse(key[2..], System.Globalization.CultureInfo.InvariantCulture, out var i) && i >= 0 && i < list.Count
                ? list[i]
                : null;
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
        if (key.StartsWith("v:", StringComparison.Ordinal))
        {
            return list.FirstOrDefault(e => JsonNode.DeepEquals(e, wanted));
        }
        if (key.StartsWith("k:", StringComparison.Ordinal) && wanted is JsonObject keyFields)
        {
            return list.OfType<JsonObject>().FirstOrDefault(e => keyFields.All(kv => JsonNode.DeepEquals(e[kv.Key], kv.Value)));
        }
        return null;
    }

    private static JsonObject WithoutSystemMetadata(JsonObject sent)
    {
        if (sent["metadata"] is not JsonObject meta || !meta.Any(kv => SystemMetadata.Contains(kv.Key)))
        {
            return sent;
        }
        var copy = (JsonObject)sent.DeepClone();
        var copyMeta = (JsonObject)copy["metadata"]!;
        foreach (var key in SystemMetadata)
        {
            copyMeta.Remove(key);
        }
        return copy;
    }

    private static JsonObject FieldSet(JsonObject obj, bool isRoot)
    {
        var set = new JsonObject();
        foreach (var kv in obj)
        {
            if (isRoot && kv.Key is "apiVersion" or "kind")
            {
                continue;
            }
            if (isRoot && kv.Key == "metadata" && kv.Value is JsonObject meta)
            {
                var m = new JsonObject();
                foreach (var mk in meta)
                {
                    if (!SystemMetadata.Contains(mk.Key))
                    {
                        m["f:" + mk.Key] = mk.Value is JsonObject inner ? FieldSet(inner, false) : new JsonObject();
                    }
                }
                if (m.Count > 0)
                {
                    set["f:metadata"] = m;
                }
                continue;
            }
            set["f:" + kv.Key] = kv.Value is JsonObject child ? FieldSet(child, false) : new JsonObject();
        }
        return set;
    }
}
