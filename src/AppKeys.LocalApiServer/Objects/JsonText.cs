using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Errors;

namespace AppKeys.LocalApiServer.Objects;

/// <summary>Parsing and compact serialization of object bodies.</summary>
public static class JsonText
{
    /// <summary>Compact output without HTML escaping (kube writes <c>&lt;</c> and <c>+</c> verbatim).</summary>
    public static readonly JsonSerializerOptions Compact = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
    };

    public static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
        SkipValidation = true,
    };

    public static string Serialize(JsonNode node) => node.ToJsonString(Compact);

    /// <summary>Parses a request body that must be a JSON object; anything else is a 400 as in kube.</summary>
    public static JsonObject ParseObject(ReadOnlySpan<byte> body)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException ex)
        {
            throw StatusErrors.BadRequest($"the object provided is unrecognized or malformed: {ex.Message}");
        }
        if (node is not JsonObject obj)
        {
            throw StatusErrors.BadRequest("the object provided is unrecognized or malformed: expected a JSON object");
        }
        return obj;
    }

    /// <summary>Parses any JSON value (patch documents).</summary>
    public static JsonNode? ParseAny(ReadOnlySpan<byte> body)
    {
        try
        {
            return JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException ex)
        {
            throw StatusErrors.BadRequest($"error decoding patch: {ex.Message}");
        }
    }

    /// <summary>Walks the tree once so a stored node is fully materialized and safe for concurrent readers.</summary>
    public static void Materialize(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var kv in o)
                {
                    Materialize(kv.Value);
                }
                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    Materialize(item);
                }
                break;
            default:
                break;
        }
    }

    /// <summary>Deep copy of an object (stored objects are never mutated, callers work on copies).</summary>
    public static JsonObject Clone(JsonObject obj) => (JsonObject)obj.DeepClone();

    public static string? GetString(JsonNode? node, params string[] path)
    {
        var current = node;
        foreach (var p in path)
        {
            if (current is not JsonObject o || !o.TryGetPropertyValue(p, out current))
            {
                return null;
            }
        }
        return current is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
    }

    public static JsonObject? GetObject(JsonNode? node, params string[] path)
    {
        var current = node;
        foreach (var p in path)
        {
            if (current is not JsonObject o || !o.TryGetPropertyValue(p, out current))
            {
                return null;
            }
        }
        return current as JsonObject;
    }

    /// <summary>Returns the child object, creating it when missing or not an object.</summary>
    public static JsonObject EnsureObject(JsonObject parent, string name)
    {
        if (parent[name] is JsonObject existing)
        {
            return existing;
        }
        var created = new JsonObject();
        parent[name] = created;
        return created;
    }

    /// <summary>Reads an integer whatever CLR type backs the node (parsed JSON, int or long assigned in code).</summary>
    public static bool TryGetLong(JsonNode? node, out long value)
    {
        value = 0;
        if (node is not JsonValue v || v.GetValueKind() != JsonValueKind.Number)
        {
            return false;
        }
        return long.TryParse(v.ToJsonString(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Renders a scalar value as a field-selector / message string.</summary>
    public static string? ScalarString(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v => v.ToJsonString(),
        _ => null,
    };
}
