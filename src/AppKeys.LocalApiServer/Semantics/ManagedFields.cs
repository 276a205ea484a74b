using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Objects;

namespace AppKeys.LocalApiServer.Semantics;

/// <summary>
/// An approximation of kube's field manager: one <c>managedFields</c> entry per (manager, operation) whose
/// <c>fieldsV1</c> lists the fields of what that manager last sent. No ownership conflicts are computed.
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
        string apiVersion, string time, string? subresource)
    {
        var entries = new JsonArray();
        if (previous is not null && JsonText.GetObject(previous, "metadata")?["managedFields"] is JsonArray old)
        {
            foreach (var e in old.OfType<JsonObject>())
            {
                var sameManager = JsonText.GetString(e, "manager") == manager
                    && JsonText.GetString(e, "operation") == operation
                    && (JsonText.GetString(e, "subresource") ?? "") == (subresource ?? "");
                if (!sameManager)
                {
                    entries.Add(e.DeepClone());
                }
            }
        }
        var fields = FieldSet(sent, isRoot: true);
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
