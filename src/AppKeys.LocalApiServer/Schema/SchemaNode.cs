using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AppKeys.LocalApiServer.GoCompat;

namespace AppKeys.LocalApiServer.Schema;

/// <summary>One node of a parsed <c>openAPIV3Schema</c> (the subset structural schemas allow).</summary>
internal sealed class SchemaNode
{
    public string? Type { get; private init; }
    public string? Format { get; private init; }
    public string? Description { get; private init; }
    public JsonArray? Enum { get; private init; }
    public string? PatternText { get; private init; }
    public Regex? Pattern { get; private init; }
    public double? Minimum { get; private init; }
    public double? Maximum { get; private init; }
    public bool ExclusiveMinimum { get; private init; }
    public bool ExclusiveMaximum { get; private init; }
    public double? MultipleOf { get; private init; }
    public long? MinLength { get; private init; }
    public long? MaxLength { get; private init; }
    public long? MinItems { get; private init; }
    public long? MaxItems { get; private init; }
    public bool UniqueItems { get; private init; }
    public long? MinProperties { get; private init; }
    public long? MaxProperties { get; private init; }
    public IReadOnlyList<string> Required { get; private init; } = [];
    public IReadOnlyDictionary<string, SchemaNode>? Properties { get; private init; }
    public SchemaNode? AdditionalProperties { get; private init; }
    /// <summary><c>additionalProperties: true</c> (any value allowed and kept).</summary>
    public bool AdditionalPropertiesAllowed { get; private init; }
    public SchemaNode? Items { get; private init; }
    public bool Nullable { get; private init; }
    public bool IntOrString { get; private init; }
    public bool PreserveUnknownFields { get; private init; }
    public bool EmbeddedResource { get; private init; }
    public string? ListType { get; private init; }
    public IReadOnlyList<string> ListMapKeys { get; private init; } = [];
    public JsonNode? Default { get; private init; }
    public bool HasDefault { get; private init; }
    public IReadOnlyList<SchemaNode> AllOf { get; private init; } = [];
    public IReadOnlyList<SchemaNode> AnyOf { get; private init; } = [];
    public IReadOnlyList<SchemaNode> OneOf { get; private init; } = [];
    public SchemaNode? Not { get; private init; }
    /// <summary>The node's CEL rules (<c>x-kubernetes-validations</c>).</summary>
    public IReadOnlyList<ValidationRule> Validations { get; private init; } = [];

    public static SchemaNode Parse(JsonObject s)
    {
        var pattern = Str(s, "pattern");
        Regex? regex = null;
        if (pattern is not null)
        {
            try
            {
                regex = GoRegex.Compile(pattern, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException)
            {
                regex = null;
            }
        }

        Dictionary<string, SchemaNode>? properties = null;
        if (s["properties"] is JsonObject props)
        {
            properties = new Dictionary<string, SchemaNode>(StringComparer.Ordinal);
            foreach (var (k, v) in props)
            {
                if (v is JsonObject child)
                {
                    properties[k] = Parse(child);
                }
            }
        }

        var additional = s["additionalProperties"];
        return new SchemaNode
        {
            Type = Str(s, "type"),
            Format = Str(s, "format"),
            Description = Str(s, "description"),
            Enum = s["enum"] as JsonArray,
            PatternText = pattern,
            Pattern = regex,
            Minimum = Num(s, "minimum"),
            Maximum = Num(s, "maximum"),
            ExclusiveMinimum = Bool(s, "exclusiveMinimum"),
            ExclusiveMaximum = Bool(s, "exclusiveMaximum"),
            MultipleOf = Num(s, "multipleOf"),
            MinLength = Int(s, "minLength"),
            MaxLength = Int(s, "maxLength"),
            MinItems = Int(s, "minItems"),
            MaxItems = Int(s, "maxItems"),
            UniqueItems = Bool(s, "uniqueItems"),
            MinProperties = Int(s, "minProperties"),
            MaxProperties = Int(s, "maxProperties"),
            Required = Strings(s["required"]),
            Properties = properties,
            AdditionalProperties = additional is JsonObject ap ? Parse(ap) : null,
            AdditionalPropertiesAllowed = additional is JsonValue av && av.TryGetValue<bool>(out var allowed) && allowed,
            Items = s["items"] switch
            {
                JsonObject io => Parse(io),
                JsonArray { Count: > 0 } ia when ia[0] is JsonObject first => Parse(first),
                _ => null,
            },
            Nullable = Bool(s, "nullable"),
            IntOrString = Bool(s, "x-kubernetes-int-or-string"),
            PreserveUnknownFields = Bool(s, "x-kubernetes-preserve-unknown-fields"),
            EmbeddedResource = Bool(s, "x-kubernetes-embedded-resource"),
            ListType = Str(s, "x-kubernetes-list-type"),
            ListMapKeys = Strings(s["x-kubernetes-list-map-keys"]),
            Default = s["default"],
            HasDefault = s.ContainsKey("default"),
            AllOf = Nodes(s["allOf"]),
            AnyOf = Nodes(s["anyOf"]),
            OneOf = Nodes(s["oneOf"]),
            Not = s["not"] is JsonObject not ? Parse(not) : null,
            Validations = ValidationRule.Parse(s["x-kubernetes-validations"]),
        };
    }

    private static string? Str(JsonObject s, string key) =>
        s[key] is JsonValue v && v.TryGetValue<string>(out var r) ? r : null;

    private static bool Bool(JsonObject s, string key) =>
        s[key] is JsonValue v && v.TryGetValue<bool>(out var r) && r;

    private static double? Num(JsonObject s, string key) =>
        s[key] is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.GetValue<double>() : null;

    private static long? Int(JsonObject s, string key) =>
        s[key] is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            ? (long)Math.Floor(double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture))
            : null;

    private static List<string> Strings(JsonNode? node) =>
        node is JsonArray a ? a.Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null).OfType<string>().ToList() : [];

    private static List<SchemaNode> Nodes(JsonNode? node) =>
        node is JsonArray a ? a.OfType<JsonObject>().Select(Parse).ToList() : [];
}
