using System.Globalization;
using System.Text.Json.Nodes;

namespace AppKeys.LocalApiServer.Patching;

/// <summary>
/// JSON patch (RFC 6902), <c>application/json-patch+json</c>. Error texts follow the evanphx/json-patch v4 library
/// kube-apiserver uses; a patch that is not a JSON array is 400, an operation that does not apply is 422.
/// </summary>
public static class JsonPatch
{
    public static JsonNode Apply(JsonNode target, JsonNode patchDocument)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (patchDocument is not JsonArray operations)
        {
            throw new PatchException("json: cannot unmarshal object into Go value of type jsonpatch.Patch", 400);
        }

        JsonNode? doc = target.DeepClone();
        foreach (var operation in operations)
        {
            if (operation is not JsonObject op)
            {
                throw new PatchException("json: cannot unmarshal into Go value of type jsonpatch.Operation", 400);
            }

            var kind = Text(op["op"]) ?? "unknown";
            doc = kind switch
            {
                "add" => Add(doc, RequirePath(op, "path", kind), ValueOf(op, kind)),
                "remove" => Remove(doc, RequirePath(op, "path", kind)),
                "replace" => Replace(doc, RequirePath(op, "path", kind), ValueOf(op, kind)),
                "move" => Move(doc, RequirePath(op, "from", kind), RequirePath(op, "path", kind)),
                "copy" => Copy(doc, RequirePath(op, "from", kind), RequirePath(op, "path", kind)),
                "test" => Test(doc, RequirePath(op, "path", kind), op["value"]),
                _ => throw new PatchException($"Unexpected kind: {kind}"),
            };
        }

        return doc ?? JsonValue.Create((string?)null)!;
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static string RequirePath(JsonObject op, string field, string kind) =>
        Text(op[field]) ?? throw new PatchException($"{kind} operation missing {field} field");

    private static JsonNode? ValueOf(JsonObject op, string kind)
    {
        if (!op.TryGetPropertyValue("value", out var value))
        {
            throw new PatchException($"{kind} operation missing value field");
        }

        return value?.DeepClone();
    }

    private static List<string> Tokens(string pointer)
    {
        if (pointer.Length == 0)
        {
            return [];
        }

        if (pointer[0] != '/')
        {
            throw new PatchException($"JSON pointer must be empty or start with a \"/\": {pointer}");
        }

        return pointer[1..].Split('/')
            .Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal))
            .ToList();
    }

    // Resolves the container of the last token; null when some intermediate node is missing.
    private static JsonNode? Parent(JsonNode? doc, List<string> tokens)
    {
        var node = doc;
        for (var i = 0; i < tokens.Count - 1; i++)
        {
            node = Child(node, tokens[i]);
            if (node is null)
            {
                return null;
            }
        }

        return node;
    }

    private static JsonNode? Child(JsonNode? node, string token) => node switch
    {
        JsonObject o => o.TryGetPropertyValue(token, out var v) ? v : null,
        JsonArray a => TryIndex(token, out var i) && i < a.Count ? a[i] : null,
        _ => null,
    };

    private static bool Exists(JsonNode? container, string token) => container switch
    {
        JsonObject o => o.ContainsKey(token),
        JsonArray a => TryIndex(token, out var i) && i < a.Count,
        _ => false,
    };

    private static bool TryIndex(string token, out int index) =>
        int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out index);

    private static int ArrayIndex(string token, int max)
    {
        if (!TryIndex(token, out var i) || i > max)
        {
            throw new PatchException($"Unable to access invalid index: {token}: invalid index referenced");
        }

        return i;
    }

    private static JsonNode? Get(JsonNode? doc, string path)
    {
        var tokens = Tokens(path);
        if (tokens.Count == 0)
        {
            return doc;
        }

        var parent = Parent(doc, tokens);
        return Exists(parent, tokens[^1]) ? Child(parent, tokens[^1]) : throw new KeyNotFoundException(path);
    }

    private static JsonNode? Add(JsonNode? doc, string path, JsonNode? value)
    {
        var tokens = Tokens(path);
        if (tokens.Count == 0)
        {
            return value;
        }

        var parent = Parent(doc, tokens);
        var key = tokens[^1];
        switch (parent)
        {
            case JsonObject o:
                o[key] = value;
                break;
            case JsonArray a:
                if (key == "-")
                {
                    a.Add(value);
                }
                else
                {
                    a.Insert(ArrayIndex(key, a.Count), value);
                }

                break;
            default:
                throw new PatchException($"add operation does not apply: doc is missing path: \"{path}\": missing value");
        }

        return doc;
    }

    private static JsonNode? Remove(JsonNode? doc, string path)
    {
        var tokens = Tokens(path);
        if (tokens.Count == 0)
        {
            return null;
        }

        var parent = Parent(doc, tokens);
        var key = tokens[^1];
        switch (parent)
        {
            case JsonObject o:
                if (!o.Remove(key))
                {
                    throw new PatchException($"Unable to remove nonexistent key: {key}: missing value");
                }

                break;
            case JsonArray a:
                a.RemoveAt(ArrayIndex(key, a.Count - 1));
                break;
            default:
                throw new PatchException($"remove operation does not apply: doc is missing path: \"{path}\": missing value");
        }

        return doc;
    }

    private static JsonNode? Replace(JsonNode? doc, string path, JsonNode? value)
    {
        var tokens = Tokens(path);
        if (tokens.Count == 0)
        {
            return value;
        }

        var parent = Parent(doc, tokens);
        var key = tokens[^1];
        switch (parent)
        {
            case JsonObject o when o.ContainsKey(key):
                o[key] = value;
                break;
            case JsonObject:
                throw new PatchException($"replace operation does not apply: doc is missing key: {path}: missing value");
            case JsonArray a:
                a[ArrayIndex(key, a.Count - 1)] = value;
                break;
            default:
                throw new PatchException($"replace operation does not apply: doc is missing path: {path}: missing value");
        }

        return doc;
    }

    private static JsonNode? Move(JsonNode? doc, string from, string path)
    {
        JsonNode? value;
        try
        {
            value = Get(doc, from);
        }
        catch (KeyNotFoundException)
        {
            throw new PatchException($"move operation does not apply: doc is missing from path: {from}: missing value");
        }

        if (path.StartsWith(from + "/", StringComparison.Ordinal))
        {
            throw new PatchException($"move operation does not apply: cannot move {from} into its own child {path}");
        }

        value = value?.DeepClone();
        doc = Remove(doc, from);
        if (Parent(doc, Tokens(path)) is null && Tokens(path).Count > 0)
        {
            throw new PatchException($"move operation does not apply: doc is missing destination path: {path}: missing value");
        }

        return Add(doc, path, value);
    }

    private static JsonNode? Copy(JsonNode? doc, string from, string path)
    {
        JsonNode? value;
        try
        {
            value = Get(doc, from);
        }
        catch (KeyNotFoundException)
        {
            throw new PatchException($"copy operation does not apply: doc is missing from path: {from}: missing value");
        }

        if (Parent(doc, Tokens(path)) is null && Tokens(path).Count > 0)
        {
            throw new PatchException($"copy operation does not apply: doc is missing destination path: {path}: missing value");
        }

        return Add(doc, path, value?.DeepClone());
    }

    private static JsonNode? Test(JsonNode? doc, string path, JsonNode? expected)
    {
        JsonNode? actual;
        try
        {
            actual = Get(doc, path);
        }
        catch (KeyNotFoundException)
        {
            throw new PatchException($"test operation does not apply: is missing path: {path}: missing value");
        }

        if (!JsonNode.DeepEquals(actual, expected))
        {
            throw new PatchException($"testing value {path} failed: test failed");
        }

        return doc;
    }
}
