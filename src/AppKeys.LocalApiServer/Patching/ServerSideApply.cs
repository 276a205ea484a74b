using System.Globalization;
using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Model;

namespace AppKeys.LocalApiServer.Patching;

/// <summary>
/// An approximation of server-side apply (<c>application/apply-patch+yaml</c>): the applied configuration is
/// merged into the live object (strategic merge for built-ins, JSON merge patch for custom resources) and the
/// manager's <c>Apply</c> entry in <c>metadata.managedFields</c> is replaced by one describing the applied fields.
/// </summary>
/// <remarks>
/// Differences from kube's structured-merge-diff: no conflict detection between managers (<c>force</c> is
/// irrelevant), fields this manager applied before but omits now are NOT removed, list-type/map-type markers of
/// CRD schemas are not consulted (custom resource lists are replaced whole), and other managers' entries are kept
/// untouched rather than having fields taken away from them.
/// </remarks>
public static class ServerSideApply
{
    private static readonly HashSet<string> IdentityMetadata = new(StringComparer.Ordinal)
    {
        "name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "managedFields",
        "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds",
    };

    public static JsonNode Merge(JsonNode? existing, JsonNode applied, ApiResourceInfo resource, string fieldManager, DateTimeOffset now)
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
        var kept = managed
            .Where(e => !(e is JsonObject o && Text(o["manager"]) == fieldManager && Text(o["operation"]) == "Apply"))
            .Select(e => e?.DeepClone())
            .ToList();
        kept.Add(new JsonObject
        {
            ["manager"] = fieldManager,
            ["operation"] = "Apply",
            ["apiVersion"] = resource.GroupVersion,
            ["time"] = now.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["fieldsType"] = "FieldsV1",
            ["fieldsV1"] = FieldSet(config, BuiltInPatchMeta.For(resource), root: true),
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

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
