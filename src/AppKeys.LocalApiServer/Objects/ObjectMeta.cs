using System.Globalization;
using System.Text.Json.Nodes;

namespace AppKeys.LocalApiServer.Objects;

/// <summary>Accessors for <c>metadata</c> of a JSON object.</summary>
public static class ObjectMeta
{
    public static JsonObject Meta(JsonObject obj) => JsonText.EnsureObject(obj, "metadata");

    public static string Name(JsonObject obj) => JsonText.GetString(obj, "metadata", "name") ?? "";

    public static string Namespace(JsonObject obj) => JsonText.GetString(obj, "metadata", "namespace") ?? "";

    public static string Uid(JsonObject obj) => JsonText.GetString(obj, "metadata", "uid") ?? "";

    public static string ResourceVersion(JsonObject obj) => JsonText.GetString(obj, "metadata", "resourceVersion") ?? "";

    public static long Generation(JsonObject obj) =>
        JsonText.TryGetLong(JsonText.GetObject(obj, "metadata")?["generation"], out var g) ? g : 0;

    public static bool IsTerminating(JsonObject obj) => JsonText.GetString(obj, "metadata", "deletionTimestamp") is not null;

    public static List<string> Finalizers(JsonObject obj)
    {
        var list = new List<string>();
        if (JsonText.GetObject(obj, "metadata")?["finalizers"] is JsonArray arr)
        {
            foreach (var f in arr)
            {
                if (JsonText.ScalarString(f) is { } s)
                {
                    list.Add(s);
                }
            }
        }
        return list;
    }

    public static void SetFinalizers(JsonObject obj, IReadOnlyCollection<string> finalizers)
    {
        var meta = Meta(obj);
        if (finalizers.Count == 0)
        {
            meta.Remove("finalizers");
            return;
        }
        var arr = new JsonArray();
        foreach (var f in finalizers)
        {
            arr.Add(f);
        }
        meta["finalizers"] = arr;
    }

    public static Dictionary<string, string> Labels(JsonObject obj) => StringMap(JsonText.GetObject(obj, "metadata", "labels"));

    public static Dictionary<string, string> StringMap(JsonObject? map)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (map is null)
        {
            return result;
        }
        foreach (var kv in map)
        {
            result[kv.Key] = JsonText.ScalarString(kv.Value) ?? "";
        }
        return result;
    }

    /// <summary>
    /// Drops what Go's typed ObjectMeta omits when it serializes (<c>omitempty</c>): nulls, empty strings, empty
    /// maps and lists. kube stores every object through that type (custom resources too: apiextensions-apiserver
    /// <c>pkg/apiserver/schema/objectmeta/coerce.go</c>), so removing the last label leaves no <c>labels: {}</c>.
    /// </summary>
    public static void DropEmptyFields(JsonObject meta)
    {
        foreach (var key in meta.Select(kv => kv.Key).ToList())
        {
            var empty = meta[key] switch
            {
                null => true,
                JsonObject o => o.Count == 0,
                JsonArray a => a.Count == 0,
                JsonValue v => v.TryGetValue<string>(out var s) && s.Length == 0,
                _ => false,
            };
            if (empty)
            {
                meta.Remove(key);
            }
        }
    }

    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
