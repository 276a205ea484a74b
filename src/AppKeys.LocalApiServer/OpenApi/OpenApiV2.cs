using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.GoCompat;
using AppKeys.LocalApiServer.Model;
using AppKeys.LocalApiServer.Objects;
using AppKeys.LocalApiServer.Protobuf;

namespace AppKeys.LocalApiServer.OpenApi;

/// <summary>
/// <c>/openapi/v2</c>, reduced to what kubectl 1.32 reads it for. kubectl validates a manifest on the server
/// (<c>fieldValidation</c>) when the kind's v3 document has a PATCH operation; for create-only kinds (the
/// reviews) it falls back to client-side validation against the v2 definitions, fetched as gnostic protobuf
/// (<c>application/com.github.proto-openapi.spec.v2@v1.0+protobuf</c>) — without them <c>kubectl create -f</c>
/// of a SelfSubjectRulesReview fails with "failed to download openapi". So the document carries the definitions of
/// every kind that has no patch verb, with the definitions they reference, converted from the v3 schemas; kinds
/// kubectl validates through v3 are left out (its v2 patch computation then falls back to compiled-in types, as
/// when v2 is missing).
/// </summary>
internal static class OpenApiV2
{
    /// <summary>The response type kube-openapi answers (kubectl asks for <c>...spec.v2@v1.0+protobuf</c>, which Go's mime parser refuses in a Content-Type).</summary>
    public const string ProtobufMediaType = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

    private const string V3RefPrefix = "#/components/schemas/";

    public static JsonObject Build(IReadOnlyList<ApiResourceInfo> resources)
    {
        ArgumentNullException.ThrowIfNull(resources);
        var definitions = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var byGv in resources.Where(r => !r.Verbs.Contains("patch")).GroupBy(r => r.GroupVersion))
        {
            var v3 = OpenApiBuilder.BuildGroupVersion(byGv.Key, resources);
            var schemas = (JsonObject)v3["components"]!["schemas"]!;
            var pending = new Stack<string>(byGv.Select(r => OpenApiBuilder.SchemaName(r)));
            while (pending.TryPop(out var name))
            {
                if (definitions.ContainsKey(name) || schemas[name] is not JsonObject schema)
                {
                    continue;
                }
                var converted = Convert(schema, pending);
                definitions[name] = converted;
            }
        }
        var defs = new JsonObject();
        foreach (var (name, schema) in definitions)
        {
            defs[name] = schema;
        }
        return new JsonObject
        {
            ["swagger"] = "2.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = KubeVersionText },
            ["paths"] = new JsonObject(),
            ["definitions"] = defs,
        };
    }

    private static string KubeVersionText => Discovery.KubeVersion.GitVersion;

    /// <summary>A v3 schema as v2 writes it: <c>#/definitions/</c> references, a lone <c>allOf</c> reference folded into <c>$ref</c>.</summary>
    private static JsonObject Convert(JsonObject schema, Stack<string> referenced)
    {
        var result = new JsonObject();
        foreach (var (key, value) in schema)
        {
            switch (key)
            {
                case "$ref" when value is JsonValue v && v.TryGetValue<string>(out var target) && target.StartsWith(V3RefPrefix, StringComparison.Ordinal):
                    referenced.Push(target[V3RefPrefix.Length..]);
                    result["$ref"] = "#/definitions/" + target[V3RefPrefix.Length..];
                    break;
                case "allOf" when value is JsonArray { Count: 1 } one && one[0] is JsonObject only && only.ContainsKey("$ref"):
                    foreach (var (k, inner) in Convert(only, referenced))
                    {
                        result[k] = inner?.DeepClone();
                    }
                    break;
                case "properties" when value is JsonObject properties:
                    var converted = new JsonObject();
                    foreach (var (name, property) in properties)
                    {
                        converted[name] = property is JsonObject p ? Convert(p, referenced) : property?.DeepClone();
                    }
                    result[key] = converted;
                    break;
                case "items" or "additionalProperties" when value is JsonObject nested:
                    result[key] = Convert(nested, referenced);
                    break;
                case "nullable" or "oneOf" or "anyOf" or "not":
                    break; // no v2 equivalent
                default:
                    result[key] = value?.DeepClone();
                    break;
            }
        }
        return result;
    }

    /// <summary>The document as gnostic's <c>openapi.v2.Document</c> message (github.com/google/gnostic openapiv2/OpenAPIv2.proto).</summary>
    public static byte[] ToProtobuf(JsonObject document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var doc = new ProtoWriter().String(1, JsonText.GetString(document, "swagger") ?? "2.0");
        if (document["info"] is JsonObject info)
        {
            doc.Message(2, new ProtoWriter().String(1, JsonText.GetString(info, "title") ?? "").String(2, JsonText.GetString(info, "version") ?? ""));
        }
        doc.Message(8, new ProtoWriter()); // Paths
        var definitions = new ProtoWriter();
        foreach (var (name, schema) in document["definitions"] as JsonObject ?? [])
        {
            definitions.Message(1, new ProtoWriter().String(1, name).Message(2, Schema((JsonObject)schema!)));
        }
        doc.Message(9, definitions);
        return doc.ToArray();
    }

    /// <summary>openapi.v2.Schema, field by field (unknown keywords are dropped; <c>x-</c> keys become vendor extensions).</summary>
    private static ProtoWriter Schema(JsonObject schema)
    {
        var w = new ProtoWriter();
        void Str(int field, string key)
        {
            if (JsonText.GetString(schema, key) is { } s)
            {
                w.String(field, s);
            }
        }
        void Num(int field, string key)
        {
            if (schema[key] is JsonValue v && v.TryGetValue<double>(out var d))
            {
                w.Double(field, d);
            }
        }
        void Int(int field, string key)
        {
            if (schema[key] is JsonValue v && v.TryGetValue<long>(out var l))
            {
                w.Int64(field, l);
            }
        }
        void Flag(int field, string key)
        {
            if (schema[key] is JsonValue v && v.TryGetValue<bool>(out var b) && b)
            {
                w.Bool(field, b);
            }
        }
        Str(1, "$ref");
        Str(2, "format");
        Str(3, "title");
        Str(4, "description");
        if (schema["default"] is { } defaultValue)
        {
            w.Message(5, Any(defaultValue));
        }
        Num(6, "multipleOf");
        Num(7, "maximum");
        Flag(8, "exclusiveMaximum");
        Num(9, "minimum");
        Flag(10, "exclusiveMinimum");
        Int(11, "maxLength");
        Int(12, "minLength");
        Str(13, "pattern");
        Int(14, "maxItems");
        Int(15, "minItems");
        Flag(16, "uniqueItems");
        Int(17, "maxProperties");
        Int(18, "minProperties");
        foreach (var required in schema["required"] as JsonArray ?? [])
        {
            w.String(19, JsonText.ScalarString(required) ?? "");
        }
        foreach (var value in schema["enum"] as JsonArray ?? [])
        {
            w.Message(20, Any(value));
        }
        switch (schema["additionalProperties"])
        {
            case JsonObject additional:
                w.Message(21, new ProtoWriter().Message(1, Schema(additional)));
                break;
            case JsonValue allowed when allowed.TryGetValue<bool>(out var b):
                w.Message(21, new ProtoWriter().Bool(2, b));
                break;
            default:
                break;
        }
        if (JsonText.GetString(schema, "type") is { } type)
        {
            w.Message(22, new ProtoWriter().String(1, type));
        }
        if (schema["items"] is JsonObject items)
        {
            w.Message(23, new ProtoWriter().Message(1, Schema(items)));
        }
        foreach (var part in (schema["allOf"] as JsonArray ?? []).OfType<JsonObject>())
        {
            w.Message(24, Schema(part));
        }
        if (schema["properties"] is JsonObject properties)
        {
            var props = new ProtoWriter();
            foreach (var (name, property) in properties)
            {
                props.Message(1, new ProtoWriter().String(1, name).Message(2, Schema((JsonObject)property!)));
            }
            w.Message(25, props);
        }
        Flag(27, "readOnly");
        foreach (var (key, value) in schema.Where(kv => kv.Key.StartsWith("x-", StringComparison.Ordinal)))
        {
            w.Message(31, new ProtoWriter().String(1, key).Message(2, Any(value)));
        }
        return w;
    }

    /// <summary>openapi.v2.Any: the value as YAML (JSON is YAML), as gnostic fills <c>yaml</c>.</summary>
    private static ProtoWriter Any(JsonNode? value) => new ProtoWriter().String(2, value is null ? "null" : GoJson.Marshal(value));
}
