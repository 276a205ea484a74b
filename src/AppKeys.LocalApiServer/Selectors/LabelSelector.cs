using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.GoCompat;

namespace AppKeys.LocalApiServer.Selectors;

/// <summary>
/// A parsed label selector with the grammar, validation and error texts of apimachinery
/// <c>pkg/labels/selector.go</c>. Requirements are ANDed and kept sorted by key, as kube does.
/// </summary>
public sealed class LabelSelector
{
    private static readonly LabelSelector EverythingInstance = new([], matchesNothing: false);
    private static readonly LabelSelector NothingInstance = new([], matchesNothing: true);

    private readonly bool matchesNothing;

    private LabelSelector(IReadOnlyList<LabelRequirement> requirements, bool matchesNothing)
    {
        Requirements = requirements;
        this.matchesNothing = matchesNothing;
    }

    /// <summary>Selects every object.</summary>
    public static LabelSelector Everything => EverythingInstance;

    /// <summary>Selects no object (a null <c>metav1.LabelSelector</c>).</summary>
    public static LabelSelector Nothing => NothingInstance;

    public IReadOnlyList<LabelRequirement> Requirements { get; }

    /// <summary>True when the selector does not restrict anything (matches every label set).</summary>
    public bool IsEmpty => !matchesNothing && Requirements.Count == 0;

    /// <summary>Parses the <c>labelSelector</c> query-parameter syntax. Null or blank selects everything.</summary>
    /// <exception cref="SelectorParseException">with kube's exact message.</exception>
    public static LabelSelector Parse(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return Everything;
        }

        var requirements = new LabelSelectorParser(text).Parse();
        return requirements.Count == 0 ? Everything : new LabelSelector(Sorted(requirements), matchesNothing: false);
    }

    /// <summary>
    /// Converts a <c>metav1.LabelSelector</c> (matchLabels / matchExpressions), as
    /// <c>metav1.LabelSelectorAsSelector</c> does: null selects nothing, empty selects everything.
    /// </summary>
    /// <exception cref="SelectorParseException">for an unknown operator or invalid key/values.</exception>
    public static LabelSelector FromJson(JsonObject? metaV1LabelSelector)
    {
        if (metaV1LabelSelector is null)
        {
            return Nothing;
        }

        var requirements = new List<LabelRequirement>();
        if (metaV1LabelSelector["matchLabels"] is JsonObject matchLabels)
        {
            foreach (var (key, value) in matchLabels)
            {
                requirements.Add(NewRequirement(key, SelectorOperator.Equals, [Text(value)]));
            }
        }

        if (metaV1LabelSelector["matchExpressions"] is JsonArray expressions)
        {
            foreach (var expression in expressions.OfType<JsonObject>())
            {
                var key = Text(expression["key"]);
                var op = Text(expression["operator"]);
                var values = expression["values"] is JsonArray arr ? arr.Select(Text).ToList() : [];
                var selectorOperator = op switch
                {
                    "In" => SelectorOperator.In,
                    "NotIn" => SelectorOperator.NotIn,
                    "Exists" => SelectorOperator.Exists,
                    "DoesNotExist" => SelectorOperator.DoesNotExist,
                    _ => throw new SelectorParseException($"{GoText.Quote(op)} is not a valid label selector operator"),
                };
                requirements.Add(NewRequirement(key, selectorOperator, values));
            }
        }

        return requirements.Count == 0 ? Everything : new LabelSelector(Sorted(requirements), matchesNothing: false);
    }

    public bool Matches(IReadOnlyDictionary<string, string>? labels)
    {
        if (matchesNothing)
        {
            return false;
        }

        labels ??= EmptyLabels;
        foreach (var r in Requirements)
        {
            if (!r.Matches(labels))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Matches a <c>metadata.labels</c> object; non-string values are ignored.</summary>
    public bool Matches(JsonObject? labels)
    {
        if (matchesNothing)
        {
            return false;
        }

        if (Requirements.Count == 0)
        {
            return true;
        }

        var dict = new Dictionary<string, string>(StringComparer.Ordinal);
        if (labels is not null)
        {
            foreach (var (k, v) in labels)
            {
                if (v is JsonValue jv && jv.TryGetValue<string>(out var s))
                {
                    dict[k] = s;
                }
            }
        }

        return Matches(dict);
    }

    public override string ToString() => string.Join(',', Requirements.Select(r => r.ToString()));

    private static string Text(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<string>(out var s) ? s : node?.ToJsonString() ?? string.Empty;

    private static readonly Dictionary<string, string> EmptyLabels = new(StringComparer.Ordinal);

    private static List<LabelRequirement> Sorted(List<LabelRequirement> requirements)
    {
        // Stable sort by key, like sort.Sort(ByKey) for the common cases (kube's sort is not stable either).
        return [.. requirements.OrderBy(r => r.Key, StringComparer.Ordinal)];
    }

    /// <summary><c>labels.NewRequirement</c>: validates key, operator arity and values.</summary>
    internal static LabelRequirement NewRequirement(string key, SelectorOperator op, IReadOnlyList<string> values)
    {
        var errors = new List<string>();
        var keyErrs = KubeNames.IsQualifiedName(key);
        if (keyErrs.Count > 0)
        {
            errors.Add($"key: Invalid value: {GoText.Quote(key)}: {string.Join("; ", keyErrs)}");
        }

        switch (op)
        {
            case SelectorOperator.In or SelectorOperator.NotIn:
                if (values.Count == 0)
                {
                    errors.Add($"values: Invalid value: {GoSlice(values)}: for 'in', 'notin' operators, values set can't be empty");
                }

                break;
            case SelectorOperator.Equals or SelectorOperator.DoubleEquals or SelectorOperator.NotEquals:
                if (values.Count != 1)
                {
                    errors.Add($"values: Invalid value: {GoSlice(values)}: exact-match compatibility requires one single value");
                }

                break;
            case SelectorOperator.Exists or SelectorOperator.DoesNotExist:
                if (values.Count != 0)
                {
                    errors.Add($"values: Invalid value: {GoSlice(values)}: values set must be empty for exists and does not exist");
                }

                break;
            case SelectorOperator.GreaterThan or SelectorOperator.LessThan:
                if (values.Count != 1)
                {
                    errors.Add($"values: Invalid value: {GoSlice(values)}: for 'Gt', 'Lt' operators, exactly one value is required");
                }

                for (var i = 0; i < values.Count; i++)
                {
                    if (!long.TryParse(values[i], System.Globalization.NumberStyles.AllowLeadingSign,
                            System.Globalization.CultureInfo.InvariantCulture, out _))
                    {
                        errors.Add($"values[{i}]: Invalid value: {GoText.Quote(values[i])}: for 'Gt', 'Lt' operators, the value must be an integer");
                    }
                }

                break;
        }

        for (var i = 0; i < values.Count; i++)
        {
            var valueErrs = KubeNames.IsValidLabelValue(values[i]);
            if (valueErrs.Count > 0)
            {
                errors.Add($"values[{i}][{key}]: Invalid value: {GoText.Quote(values[i])}: {string.Join("; ", valueErrs)}");
            }
        }

        if (errors.Count > 0)
        {
            throw new SelectorParseException(Aggregate(errors));
        }

        return new LabelRequirement(key, op, values);
    }

    /// <summary>utilerrors.Aggregate.Error(): one message as is, several as "[a, b]" (duplicates removed).</summary>
    internal static string Aggregate(List<string> errors)
    {
        var distinct = errors.Distinct(StringComparer.Ordinal).ToList();
        return distinct.Count == 1 ? distinct[0] : "[" + string.Join(", ", distinct) + "]";
    }

    // field.Error renders non-scalar bad values as JSON (apimachinery field/errors.go ErrorBody).
    private static string GoSlice(IReadOnlyList<string> values) =>
        "[" + string.Join(",", values.Select(GoText.Quote)) + "]";
}
