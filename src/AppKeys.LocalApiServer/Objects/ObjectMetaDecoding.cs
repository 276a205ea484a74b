using System.Text.Json;
using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Errors;
using AppKeys.LocalApiServer.GoCompat;
using AppKeys.LocalApiServer.Model;

namespace AppKeys.LocalApiServer.Objects;

/// <summary>
/// The type errors kube's decoders raise for <c>metadata</c> (and the typed fields of ConfigMap and Secret) before
/// anything else runs: Go unmarshals it into the typed <c>metav1.ObjectMeta</c>, so a label or annotation value that
/// is not a string (<c>{"a":5}</c>), a <c>labels</c> that is not an object, a non-string <c>name</c>, a number in a
/// ConfigMap's <c>data</c>, ... fail decoding instead of being stored.
/// <list type="bullet">
/// <item>Built-ins: the whole object is decoded by <c>encoding/json</c> (sigs.k8s.io/json) in document order;
/// the first error is <c>json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type
/// string</c>, and handlers/create.go and update.go answer 400 <c>transformDecodeError</c>:
/// <c>ConfigMap in version "v1" cannot be handled as a ConfigMap: ...</c>.</item>
/// <item>Custom resources: decoded as unstructured, then apiextensions' schema coercer calls
/// <c>objectmeta.GetObjectMetaWithOptions</c>, which re-marshals <c>metadata</c> (keys sorted) and unmarshals it
/// into ObjectMeta alone: <c>... Go struct field ObjectMeta.labels of type string</c>, same 400 wrapping.</item>
/// <item>Patches: the patched object is decoded the same way, and handlers/patch.go turns the failure into 422
/// <c>field.Invalid(patch, &lt;patched JSON&gt;, err)</c> with an empty kind and name.</item>
/// </list>
/// Only null is accepted where a string is expected (Go leaves the zero value).
/// </summary>
public static class ObjectMetaDecoding
{
    private static readonly string[] StringFields = ["name", "generateName", "namespace", "selfLink", "uid", "resourceVersion"];

    /// <summary>
    /// Typed top-level fields of the built-ins whose Go types are simple enough to check here: Go type of each
    /// field (as <c>reflect.Type.String()</c> prints it) and whether it is a map (whose values have that type).
    /// </summary>
    private static readonly Dictionary<string, (string Field, string Type, bool Map)[]> KindFields = new(StringComparer.Ordinal)
    {
        ["ConfigMap"] = [("immutable", "bool", false), ("data", "string", true), ("binaryData", "[]uint8", true)],
        ["Secret"] = [("immutable", "bool", false), ("data", "[]uint8", true), ("stringData", "string", true), ("type", "v1.SecretType", false)],
    };

    /// <summary>
    /// Go's <c>UnmarshalTypeError</c> text for the first type error kube's decoder meets, or null when the object
    /// decodes: metadata for every kind, and the typed fields of ConfigMap and Secret (in document order, as
    /// encoding/json reports the first error it saved).
    /// </summary>
    public static string? FirstError(JsonObject obj, string kind, bool customResource)
    {
        if (customResource)
        {
            return obj.TryGetPropertyValue("metadata", out var metadata) && metadata is not null ? MetadataError(metadata, kind, true) : null;
        }
        var typed = KindFields.GetValueOrDefault(kind) ?? [];
        foreach (var (key, value) in obj)
        {
            if (value is null)
            {
                continue;
            }
            var error = key == "metadata" ? MetadataError(value, kind, false) : TypedFieldError(typed, kind, key, value);
            if (error is not null)
            {
                return error;
            }
        }
        return null;
    }

    private static string? TypedFieldError((string Field, string Type, bool Map)[] typed, string kind, string key, JsonNode value)
    {
        foreach (var (field, type, map) in typed)
        {
            if (field != key)
            {
                continue;
            }
            var expected = type is "bool" ? JsonValueKind.True : JsonValueKind.String;
            if (!map)
            {
                return Matches(value, expected) ? null : Error(value, $"{kind}.{field}", type);
            }
            if (value is not JsonObject entries)
            {
                return Error(value, $"{kind}.{field}", $"map[string]{type}");
            }
            foreach (var (_, v) in entries)
            {
                if (v is not null && !Matches(v, expected))
                {
                    return Error(v, $"{kind}.{field}", type);
                }
            }
        }
        return null;
    }

    private static bool Matches(JsonNode value, JsonValueKind expected) => value.GetValueKind() switch
    {
        JsonValueKind.True or JsonValueKind.False => expected == JsonValueKind.True,
        var k => k == expected,
    };

    private static string? MetadataError(JsonNode metadata, string kind, bool customResource)
    {
        var prefix = customResource ? "ObjectMeta." : "ObjectMeta.metadata.";
        if (metadata is not JsonObject meta)
        {
            return customResource
                ? $"json: cannot unmarshal {GoKind(metadata)} into Go value of type v1.ObjectMeta"
                : $"json: cannot unmarshal {GoKind(metadata)} into Go struct field {kind}.metadata of type v1.ObjectMeta";
        }
        IEnumerable<KeyValuePair<string, JsonNode?>> fields = customResource ? meta.OrderBy(p => p.Key, StringComparer.Ordinal) : meta;
        foreach (var (key, value) in fields)
        {
            if (value is null)
            {
                continue;
            }
            if (StringFields.Contains(key, StringComparer.Ordinal))
            {
                if (value.GetValueKind() != JsonValueKind.String)
                {
                    return Error(value, prefix + key, "string");
                }
            }
            else if (key is "labels" or "annotations")
            {
                if (value is not JsonObject map)
                {
                    return Error(value, prefix + key, "map[string]string");
                }
                IEnumerable<KeyValuePair<string, JsonNode?>> entries = customResource ? map.OrderBy(p => p.Key, StringComparer.Ordinal) : map;
                foreach (var (_, v) in entries)
                {
                    if (v is not null && v.GetValueKind() != JsonValueKind.String)
                    {
                        return Error(v, prefix + key, "string");
                    }
                }
            }
            else if (key == "finalizers")
            {
                if (value is not JsonArray items)
                {
                    return Error(value, prefix + key, "[]string");
                }
                foreach (var item in items)
                {
                    if (item is not null && item.GetValueKind() != JsonValueKind.String)
                    {
                        return Error(item, prefix + key, "string");
                    }
                }
            }
        }
        return null;
    }

    /// <summary>
    /// What decoding into ObjectMeta makes of JSON nulls inside it: a null label or annotation value, or a null
    /// finalizer, becomes the empty string (Go leaves the zero value of the map value or slice element), which is
    /// what kube then stores and validates.
    /// </summary>
    public static void ApplyZeroValues(JsonObject obj)
    {
        if (obj["metadata"] is not JsonObject meta)
        {
            return;
        }
        foreach (var field in new[] { "labels", "annotations" })
        {
            if (meta[field] is JsonObject map)
            {
                foreach (var key in map.Where(kv => kv.Value is null).Select(kv => kv.Key).ToList())
                {
                    map[key] = "";
                }
            }
        }
        if (meta["finalizers"] is JsonArray finalizers)
        {
            for (var i = 0; i < finalizers.Count; i++)
            {
                finalizers[i] ??= "";
            }
        }
    }

    /// <summary>Throws kube's 400 for a create or update body whose metadata does not decode.</summary>
    public static void CheckBody(ApiResourceInfo r, JsonObject body)
    {
        if (FirstError(body, r.Kind, r.IsCustom) is not { } error)
        {
            ApplyZeroValues(body);
            return;
        }
        var kind = JsonText.GetString(body, "kind") is { Length: > 0 } k ? k : r.Kind;
        var apiVersion = JsonText.GetString(body, "apiVersion") is { Length: > 0 } v ? v : r.GroupVersion;
        var version = apiVersion[(apiVersion.LastIndexOf('/') + 1)..];
        throw StatusErrors.BadRequest($"{kind} in version \"{version}\" cannot be handled as a {r.Kind}: {error}");
    }

    /// <summary>Throws kube's 422 for a patch whose result does not decode.</summary>
    public static void CheckPatched(ApiResourceInfo r, JsonObject patched)
    {
        if (FirstError(patched, r.Kind, r.IsCustom) is not { } error)
        {
            ApplyZeroValues(patched);
            return;
        }
        var body = $"Invalid value: {GoText.Quote(GoJson.Marshal(patched))}: {error}";
        var details = new JsonObject
        {
            ["causes"] = new JsonArray(new JsonObject { ["reason"] = "FieldValueInvalid", ["message"] = body, ["field"] = "patch" }),
        };
        throw new ApiException(422, "Invalid", $" \"\" is invalid: patch: {body}", details);
    }

    private static string Error(JsonNode value, string field, string type) =>
        $"json: cannot unmarshal {GoKind(value)} into Go struct field {field} of type {type}";

    private static string GoKind(JsonNode value) => value.GetValueKind() switch
    {
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "bool",
        JsonValueKind.Array => "array",
        JsonValueKind.Object => "object",
        _ => "string",
    };
}
