using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.GoCompat;

namespace AppKeys.LocalApiServer.Schema;

/// <summary>
/// A CRD version's <c>openAPIV3Schema</c>, used as kube-apiserver uses it for custom resources: validation
/// (kube-openapi validate + apiextensions listtype / embedded-resource checks, errors converted like
/// apiextensions-apiserver <c>pkg/apiserver/validation/validation.go</c>), pruning
/// (<c>pkg/apiserver/schema/pruning/algorithm.go</c>) and defaulting (<c>pkg/apiserver/schema/defaulting/algorithm.go</c>).
/// CEL rules (<c>x-kubernetes-validations</c>) are evaluated by <see cref="ValidateRules"/> (<see cref="CelValidation"/>).
/// </summary>
public sealed class StructuralSchema
{
    private StructuralSchema(SchemaNode root, JsonObject source)
    {
        Root = root;
        Source = source;
    }

    internal SchemaNode Root { get; }

    /// <summary>The schema document this was parsed from (not copied; do not mutate).</summary>
    public JsonObject Source { get; }

    public static StructuralSchema FromOpenApiV3(JsonObject openApiV3Schema)
    {
        ArgumentNullException.ThrowIfNull(openApiV3Schema);
        return new StructuralSchema(SchemaNode.Parse(openApiV3Schema), openApiV3Schema);
    }

    /// <summary>Validates a whole custom resource; field paths are relative to the object root (<c>spec.x</c>).</summary>
    public IReadOnlyList<FieldError> Validate(JsonNode obj)
    {
        var errors = new List<FieldError>();
        ValidateNode(obj, Root, string.Empty, errors);
        return errors;
    }

    /// <summary>
    /// Evaluates the schema's CEL rules on a whole custom resource; <paramref name="old"/> is the stored object of an
    /// update (transition rules and ratcheting), null on create.
    /// </summary>
    public IReadOnlyList<FieldError> ValidateRules(JsonNode obj, JsonNode? old)
    {
        var errors = new List<FieldError>();
        CelValidation.Validate(obj, Root, old, old is not null, string.Empty, errors);
        return errors;
    }

    /// <summary>
    /// Removes, in place, every field the schema does not specify (unless preserved by
    /// <c>x-kubernetes-preserve-unknown-fields</c> or an <c>additionalProperties</c> schema) and returns their paths
    /// (<c>spec.colour</c>, <c>spec.items[0].x</c>). <c>apiVersion</c>, <c>kind</c> and <c>metadata</c> are kept at the
    /// root and in embedded resources.
    /// </summary>
    public IReadOnlyList<string> Prune(JsonNode obj)
    {
        var pruned = new List<string>();
        PruneNode(obj, Root, string.Empty, isResourceRoot: true, pruned);
        return pruned;
    }

    /// <summary>
    /// Applies defaults in place: a null on a non-nullable field without a default is removed, absent fields and
    /// non-nullable nulls with a default get a copy of it, recursively, in kube's order.
    /// </summary>
    public void ApplyDefaults(JsonNode obj)
    {
        PruneNonNullableNullsWithoutDefaults(obj, Root);
        Default(obj, Root);
    }

    // ---- validation ----

    private static string Child(string path, string key) => path.Length == 0 ? key : path + "." + key;

    private static string Index(string path, int i) => path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]";

    internal static string TypeOf(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            JsonValueKind.Number => IsInteger(v) ? "integer" : "number",
            _ => "null",
        },
        _ => "null",
    };

    private static bool IsInteger(JsonValue v)
    {
        if (v.TryGetValue<long>(out _))
        {
            return true;
        }

        var d = v.GetValue<double>();
        return !double.IsInfinity(d) && Math.Floor(d) == d;
    }

    private static bool TypeMatches(string type, string actual) => type switch
    {
        "number" => actual is "number" or "integer",
        _ => type == actual,
    };

    private static bool IsValid(JsonNode? value, SchemaNode s, string path)
    {
        var errs = new List<FieldError>();
        ValidateNode(value, s, path, errs);
        return errs.Count == 0;
    }

    private static void ValidateNode(JsonNode? value, SchemaNode s, string path, List<FieldError> errors)
    {
        var actual = TypeOf(value);
        if (value is null)
        {
            if (!s.Nullable && s.Type is not null)
            {
                errors.Add(FieldError.TypeInvalidValue(path, JsonValue.Create("null"), $"{path} in body must be of type {s.Type}: \"null\""));
            }

            return;
        }

        if (s.IntOrString)
        {
            if (actual is not ("integer" or "string"))
            {
                errors.Add(FieldError.TypeInvalidValue(path, JsonValue.Create(actual), $"{path} in body must be of type integer,string: \"{actual}\""));
                return;
            }
        }
        else if (s.Type is not null && !TypeMatches(s.Type, actual))
        {
            errors.Add(FieldError.TypeInvalidValue(path, JsonValue.Create(actual), $"{path} in body must be of type {s.Type}: \"{actual}\""));
            return;
        }

        foreach (var sub in s.AllOf)
        {
            ValidateNode(value, sub, path, errors);
        }

        if (s.AnyOf.Count > 0 && !s.AnyOf.Any(sub => IsValid(value, sub, path)))
        {
            errors.Add(FieldError.InvalidValue(path, value, $"{path} in body must validate at least one schema (anyOf)"));
        }

        if (s.OneOf.Count > 0 && s.OneOf.Count(sub => IsValid(value, sub, path)) != 1)
        {
            errors.Add(FieldError.InvalidValue(path, value, $"{path} in body must validate one and only one schema (oneOf)"));
        }

        if (s.Not is not null && IsValid(value, s.Not, path))
        {
            errors.Add(FieldError.InvalidValue(path, value, $"{path} in body must not validate the schema (not)"));
        }

        switch (value)
        {
            case JsonValue v when actual == "string":
                ValidateString(v.GetValue<string>(), v, s, path, errors);
                break;
            case JsonValue v when actual is "integer" or "number":
                ValidateNumber(v, s, path, errors);
                break;
            case JsonArray a:
                ValidateArray(a, s, path, errors);
                break;
            case JsonObject o:
                ValidateObject(o, s, path, errors);
                break;
        }

        if (s.Enum is { } allowed && !allowed.Any(e => JsonNode.DeepEquals(e, value)))
        {
            errors.Add(FieldError.Unsupported(path, value, allowed.Select(e =>
                e is JsonValue ev && ev.TryGetValue<string>(out var es) ? es : GoJson.Marshal(e))));
        }
    }

    private static void ValidateString(string text, JsonValue value, SchemaNode s, string path, List<FieldError> errors)
    {
        // kube-openapi counts runes, not UTF-16 code units.
        var length = text.EnumerateRunes().Count();
        if (s.MaxLength is { } max && length > max)
        {
            errors.Add(FieldError.TooLongValue(path, max));
        }

        if (s.MinLength is { } min && length < min)
        {
            errors.Add(FieldError.InvalidValue(path, value, $"{path} in body should be at least {min} chars long"));
        }

        if (s.Pattern is { } pattern)
        {
            bool matches;
            try
            {
                matches = pattern.IsMatch(text);
            }
            catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
            {
                matches = false;
            }

            if (!matches)
            {
                errors.Add(FieldError.InvalidValue(path, value, $"{path} in body should match '{s.PatternText}'"));
            }
        }

        if (s.Format is { } format && Formats.Check(format, text) == false)
        {
            errors.Add(FieldError.TypeInvalidValue(path, value, $"{path} in body must be of type {format}: {GoText.Quote(text)}"));
        }
    }

    private static void ValidateNumber(JsonValue value, SchemaNode s, string path, List<FieldError> errors)
    {
        var d = value.GetValue<double>();
        if (s.MultipleOf is { } m && m > 0)
        {
            var q = d / m;
            if (Math.Abs(q - Math.Round(q)) > 1e-9)
            {
                errors.Add(FieldError.InvalidValue(path, value, $"{path} in body should be a multiple of {GoText.FormatFloat(m)}"));
            }
        }

        if (s.Maximum is { } max && (s.ExclusiveMaximum ? d >= max : d > max))
        {
            errors.Add(FieldError.InvalidValue(path, value, s.ExclusiveMaximum
                ? $"{path} in body should be less than {GoText.FormatFloat(max)}"
                : $"{path} in body should be less than or equal to {GoText.FormatFloat(max)}"));
        }

        if (s.Minimum is { } min && (s.ExclusiveMinimum ? d <= min : d < min))
        {
            errors.Add(FieldError.InvalidValue(path, value, s.ExclusiveMinimum
                ? $"{path} in body should be greater than {GoText.FormatFloat(min)}"
                : $"{path} in body should be greater than or equal to {GoText.FormatFloat(min)}"));
        }
    }

    private static void ValidateArray(JsonArray a, SchemaNode s, string path, List<FieldError> errors)
    {
        if (s.MaxItems is { } max && a.Count > max)
        {
            errors.Add(FieldError.TooManyItems(path, a.Count, max));
        }

        if (s.MinItems is { } min && a.Count < min)
        {
            errors.Add(FieldError.InvalidValue(path, a.Count, $"{path} in body should have at least {min} items"));
        }

        if (s.UniqueItems)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            if (a.Any(item => !seen.Add(GoJson.Marshal(item))))
            {
                errors.Add(FieldError.InvalidValue(path, a, $"{path} in body shouldn't contain duplicates"));
            }
        }

        if (s.Items is { } items)
        {
            for (var i = 0; i < a.Count; i++)
            {
                ValidateNode(a[i], items, Index(path, i), errors);
            }
        }

        ValidateListType(a, s, path, errors);
    }

    // apiextensions-apiserver pkg/apiserver/schema/listtype/validation.go
    private static void ValidateListType(JsonArray a, SchemaNode s, string path, List<FieldError> errors)
    {
        if (s.ListType == "set")
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < a.Count; i++)
            {
                if (a[i] is JsonObject or JsonArray)
                {
                    continue;
                }

                if (!seen.Add(GoJson.Marshal(a[i])))
                {
                    errors.Add(FieldError.DuplicateValue(Index(path, i), a[i]));
                }
            }
        }
        else if (s.ListType == "map" && s.ListMapKeys.Count > 0)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < a.Count; i++)
            {
                if (a[i] is not JsonObject element)
                {
                    continue;
                }

                var key = new JsonObject();
                foreach (var k in s.ListMapKeys)
                {
                    if (element.TryGetPropertyValue(k, out var kv))
                    {
                        key[k] = kv?.DeepClone();
                    }
                    else if (s.Items?.Properties?.GetValueOrDefault(k)?.Default is { } def)
                    {
                        key[k] = def.DeepClone();
                    }
                }

                if (!seen.Add(GoJson.Marshal(key)))
                {
                    errors.Add(FieldError.DuplicateValue(Index(path, i), key));
                }
            }
        }
    }

    private static void ValidateObject(JsonObject o, SchemaNode s, string path, List<FieldError> errors)
    {
        if (s.MaxProperties is { } max && o.Count > max)
        {
            errors.Add(FieldError.TooManyItems(path, o.Count, max));
        }

        if (s.MinProperties is { } min && o.Count < min)
        {
            errors.Add(FieldError.InvalidValue(path, o.Count, $"{path} in body should have at least {min} properties"));
        }

        foreach (var required in s.Required)
        {
            if (!o.ContainsKey(required))
            {
                errors.Add(FieldError.RequiredValue(Child(path, required)));
            }
        }

        foreach (var (key, child) in o)
        {
            if (s.Properties?.GetValueOrDefault(key) is { } prop)
            {
                ValidateNode(child, prop, Child(path, key), errors);
            }
            else if (s.AdditionalProperties is { } additional)
            {
                ValidateNode(child, additional, Child(path, key), errors);
            }
        }

        if (s.EmbeddedResource)
        {
            foreach (var required in (string[])["apiVersion", "kind"])
            {
                if (o[required] is not JsonValue rv || !rv.TryGetValue<string>(out var text) || text.Length == 0)
                {
                    errors.Add(FieldError.RequiredValue(Child(path, required), "must not be empty"));
                }
            }
        }
    }

    // ---- pruning ----

    private static void PruneNode(JsonNode? node, SchemaNode? s, string path, bool isResourceRoot, List<string> pruned)
    {
        if (s is null)
        {
            return;
        }

        switch (node)
        {
            case JsonObject o:
                foreach (var key in o.Select(p => p.Key).ToList())
                {
                    if (isResourceRoot && key is "apiVersion" or "kind" or "metadata")
                    {
                        continue;
                    }

                    var childPath = Child(path, key);
                    if (s.Properties?.GetValueOrDefault(key) is { } prop)
                    {
                        PruneNode(o[key], prop, childPath, prop.EmbeddedResource, pruned);
                    }
                    else if (s.AdditionalProperties is { } additional)
                    {
                        PruneNode(o[key], additional, childPath, additional.EmbeddedResource, pruned);
                    }
                    else if (!s.PreserveUnknownFields && !s.AdditionalPropertiesAllowed)
                    {
                        o.Remove(key);
                        pruned.Add(childPath);
                    }
                }

                break;
            case JsonArray a when s.Items is { } items:
                for (var i = 0; i < a.Count; i++)
                {
                    PruneNode(a[i], items, Index(path, i), items.EmbeddedResource, pruned);
                }

                break;
        }
    }

    // ---- defaulting ----

    private static SchemaNode? PropertySchema(SchemaNode s, string key) =>
        s.Properties?.GetValueOrDefault(key) ?? s.AdditionalProperties;

    private static bool IsNonNullableNull(JsonNode? x, SchemaNode? s) => x is null && s is not null && !s.Nullable;

    private static void PruneNonNullableNullsWithoutDefaults(JsonNode? x, SchemaNode? s)
    {
        if (s is null)
        {
            return;
        }

        switch (x)
        {
            case JsonObject o:
                foreach (var key in o.Select(p => p.Key).ToList())
                {
                    var ps = PropertySchema(s, key);
                    if (ps is null)
                    {
                        continue;
                    }

                    var v = o[key];
                    if (v is null && ps.Default is null && !ps.Nullable)
                    {
                        o.Remove(key);
                        continue;
                    }

                    PruneNonNullableNullsWithoutDefaults(v, ps);
                }

                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    PruneNonNullableNullsWithoutDefaults(item, s.Items);
                }

                break;
        }
    }

    private static void Default(JsonNode? x, SchemaNode? s)
    {
        if (s is null)
        {
            return;
        }

        switch (x)
        {
            case JsonObject o:
                if (s.Properties is { } props)
                {
                    foreach (var (key, prop) in props)
                    {
                        if (prop.Default is null)
                        {
                            continue;
                        }

                        if (!o.TryGetPropertyValue(key, out var existing) || IsNonNullableNull(existing, prop))
                        {
                            o[key] = prop.Default.DeepClone();
                        }
                    }
                }

                foreach (var key in o.Select(p => p.Key).ToList())
                {
                    var v = o[key];
                    if (s.Properties?.GetValueOrDefault(key) is { } prop)
                    {
                        Default(v, prop);
                    }
                    else if (s.AdditionalProperties is { } additional)
                    {
                        if (IsNonNullableNull(v, additional) && additional.Default is not null)
                        {
                            o[key] = additional.Default.DeepClone();
                        }

                        // kube recurses into the value seen before defaulting it (algorithm.go).
                        Default(v, additional);
                    }
                }

                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    var v = a[i];
                    if (IsNonNullableNull(v, s.Items) && s.Items!.Default is not null)
                    {
                        a[i] = s.Items.Default.DeepClone();
                    }

                    Default(v, s.Items);
                }

                break;
        }
    }
}
