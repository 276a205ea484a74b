using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Model;

namespace AppKeys.LocalApiServer.Selectors;

/// <summary>
/// A parsed field selector (apimachinery <c>pkg/fields/selector.go</c>): comma-separated terms ANDed,
/// operators <c>=</c>, <c>==</c>, <c>!=</c>, values escaped with backslash (<c>\,</c> <c>\=</c> <c>\\</c>).
/// </summary>
public sealed class FieldSelector
{
    private static readonly FieldSelector EverythingInstance = new([]);

    // Fields each built-in kind supports beyond metadata.name / metadata.namespace, keyed by "group/Kind"
    // (pkg/registry/*/strategy.go GetAttrs / AddFieldLabelConversionFunc in pkg/apis/*/v1/conversion.go).
    private static readonly Dictionary<string, string[]> BuiltInFields = new(StringComparer.Ordinal)
    {
        ["/Secret"] = ["type"],
        ["/Namespace"] = ["status.phase"],
        ["/Event"] = EventFields(),
        ["events.k8s.io/Event"] = EventFields(),
        ["/Pod"] =
        [
            "spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
            "spec.hostNetwork", "status.phase", "status.podIP", "status.podIPs", "status.nominatedNodeName",
        ],
        ["/Node"] = ["spec.unschedulable"],
        ["/ReplicationController"] = ["status.replicas"],
        ["apps/ReplicaSet"] = ["status.replicas"],
        ["batch/Job"] = ["status.successful"],
        ["certificates.k8s.io/CertificateSigningRequest"] = ["spec.signerName"],
    };

    private FieldSelector(IReadOnlyList<FieldRequirement> requirements) => Requirements = requirements;

    public static FieldSelector Everything => EverythingInstance;

    /// <summary>The terms, sorted as kube sorts them (by raw term text).</summary>
    public IReadOnlyList<FieldRequirement> Requirements { get; }

    public bool IsEmpty => Requirements.Count == 0;

    /// <summary>The value an <c>=</c>/<c>==</c> term requires of <paramref name="field"/>, if any (kube's RequiresExactMatch).</summary>
    public string? RequiresExactMatch(string field) =>
        Requirements.FirstOrDefault(r => r.Field == field && r.Operator != FieldSelectorOperator.NotEquals)?.Value;

    /// <exception cref="SelectorParseException">with kube's exact message.</exception>
    public static FieldSelector Parse(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return Everything;
        }

        var parts = SplitTerms(text);
        parts.Sort(StringComparer.Ordinal);
        var requirements = new List<FieldRequirement>();
        foreach (var part in parts)
        {
            if (part.Length == 0)
            {
                continue;
            }

            if (!SplitTerm(part, out var lhs, out var op, out var rhs))
            {
                throw new SelectorParseException($"invalid selector: '{text}'; can't understand '{part}'");
            }

            requirements.Add(new FieldRequirement(lhs, op, UnescapeValue(rhs)));
        }

        return requirements.Count == 0 ? Everything : new FieldSelector(requirements);
    }

    /// <summary>True when every requirement holds; <paramref name="fieldValue"/> returns null for a missing field.</summary>
    public bool Matches(Func<string, string?> fieldValue)
    {
        ArgumentNullException.ThrowIfNull(fieldValue);
        foreach (var r in Requirements)
        {
            if (!r.Matches(fieldValue(r.Field)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Matches against an object using <see cref="GetFieldValue"/>.</summary>
    public bool Matches(JsonObject obj) => Matches(f => GetFieldValue(obj, f));

    /// <summary>
    /// Returns the first field the resource does not support for selection, or null when all are supported.
    /// The server answers <c>field label not supported: &lt;f&gt;</c> (400) for it.
    /// </summary>
    public static string? ValidateFields(FieldSelector s, ApiResourceInfo r)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(r);
        BuiltInFields.TryGetValue(r.IsCustom ? string.Empty : $"{r.Group}/{r.Kind}", out var extra);
        foreach (var req in s.Requirements)
        {
            if (req.Field is "metadata.name" or "metadata.namespace")
            {
                continue;
            }

            if (extra is not null && Array.IndexOf(extra, req.Field) >= 0)
            {
                continue;
            }

            if (r.SelectableFields.Any(f => string.Equals(NormalizeSelectable(f), req.Field, StringComparison.Ordinal)))
            {
                continue;
            }

            return req.Field;
        }

        return null;
    }

    /// <summary>
    /// The string value kube compares a field selector against: scalars as text (booleans "true"/"false",
    /// numbers in JSON form), missing → null, objects/arrays → null. Event aliases (<c>source</c> is
    /// <c>source.component</c>; events.k8s.io shapes map <c>involvedObject.*</c> to <c>regarding.*</c>) are applied.
    /// </summary>
    public static string? GetFieldValue(JsonObject obj, string field)
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(field);
        var path = NormalizeSelectable(field);
        if (obj["kind"] is JsonValue kindValue && kindValue.TryGetValue<string>(out var kind) && kind == "Event")
        {
            path = EventAlias(obj, path);
        }

        JsonNode? node = obj;
        foreach (var segment in path.Split('.'))
        {
            if (node is not JsonObject o || !o.TryGetPropertyValue(segment, out node))
            {
                return null;
            }
        }

        return Scalar(node);
    }

    /// <summary><c>fields.EscapeValue</c>.</summary>
    public static string EscapeValue(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace(",", "\\,", StringComparison.Ordinal)
            .Replace("=", "\\=", StringComparison.Ordinal);

    public override string ToString() => string.Join(',', Requirements.Select(r => r.ToString()));

    private static string[] EventFields() =>
    [
        "involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
        "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
        "reason", "reportingComponent", "source", "type",
    ];

    private static string EventAlias(JsonObject ev, string path)
    {
        var eventsV1 = ev["regarding"] is not null
            || (ev["apiVersion"] is JsonValue av && av.TryGetValue<string>(out var apiVersion)
                && apiVersion.StartsWith("events.k8s.io/", StringComparison.Ordinal));
        if (!eventsV1)
        {
            return path == "source" ? "source.component" : path;
        }

        if (path.StartsWith("involvedObject.", StringComparison.Ordinal))
        {
            return "regarding." + path["involvedObject.".Length..];
        }

        return path switch
        {
            "source" => "deprecatedSource.component",
            "reportingComponent" => "reportingController",
            _ => path,
        };
    }

    // CRD selectableFields are written as ".spec.color"; selectors use "spec.color".
    private static string NormalizeSelectable(string field) => field.StartsWith('.') ? field[1..] : field;

    private static string? Scalar(JsonNode? node)
    {
        if (node is not JsonValue v)
        {
            return null;
        }

        switch (v.GetValueKind())
        {
            case JsonValueKind.String:
                return v.GetValue<string>();
            case JsonValueKind.True:
                return "true";
            case JsonValueKind.False:
                return "false";
            case JsonValueKind.Number:
                return v.TryGetValue<long>(out var l)
                    ? l.ToString(CultureInfo.InvariantCulture)
                    : v.ToJsonString();
            default:
                return null;
        }
    }

    private static List<string> SplitTerms(string selector)
    {
        var terms = new List<string>();
        var start = 0;
        var inSlash = false;
        for (var i = 0; i < selector.Length; i++)
        {
            var c = selector[i];
            if (inSlash)
            {
                inSlash = false;
            }
            else if (c == '\\')
            {
                inSlash = true;
            }
            else if (c == ',')
            {
                terms.Add(selector[start..i]);
                start = i + 1;
            }
        }

        terms.Add(selector[start..]);
        return terms;
    }

    // The first occurrence of "!=", "==" or "=" (tried in that order at each position) splits the term;
    // the left side has no escaping.
    private static bool SplitTerm(string term, out string lhs, out FieldSelectorOperator op, out string rhs)
    {
        for (var i = 0; i < term.Length; i++)
        {
            var rest = term.AsSpan(i);
            if (rest.StartsWith("!=", StringComparison.Ordinal))
            {
                (lhs, op, rhs) = (term[..i], FieldSelectorOperator.NotEquals, term[(i + 2)..]);
                return true;
            }

            if (rest.StartsWith("==", StringComparison.Ordinal))
            {
                (lhs, op, rhs) = (term[..i], FieldSelectorOperator.DoubleEquals, term[(i + 2)..]);
                return true;
            }

            if (rest[0] == '=')
            {
                (lhs, op, rhs) = (term[..i], FieldSelectorOperator.Equals, term[(i + 1)..]);
                return true;
            }
        }

        (lhs, op, rhs) = (string.Empty, FieldSelectorOperator.Equals, string.Empty);
        return false;
    }

    private static string UnescapeValue(string s)
    {
        if (s.AsSpan().IndexOfAny("\\,=") < 0)
        {
            return s;
        }

        var sb = new StringBuilder(s.Length);
        var inSlash = false;
        foreach (var rune in s.EnumerateRunes())
        {
            if (inSlash)
            {
                if (rune.Value is '\\' or ',' or '=')
                {
                    sb.Append(rune.ToString());
                }
                else
                {
                    throw new SelectorParseException("invalid field selector: invalid escape sequence: \\" + rune);
                }

                inSlash = false;
                continue;
            }

            switch (rune.Value)
            {
                case '\\':
                    inSlash = true;
                    break;
                case ',' or '=':
                    // Go prints the rune with %v, i.e. as its code point number.
                    throw new SelectorParseException(
                        "invalid field selector: unescaped character in value: " + rune.Value.ToString(CultureInfo.InvariantCulture));
                default:
                    sb.Append(rune.ToString());
                    break;
            }
        }

        if (inSlash)
        {
            throw new SelectorParseException("invalid field selector: invalid escape sequence: \\");
        }

        return sb.ToString();
    }
}
