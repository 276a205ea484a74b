using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AppKeys.LocalApiServer.Tables;

/// <summary>
/// The subset of client-go <c>util/jsonpath</c> that printer columns and field paths use: optional <c>{...}</c>
/// braces, <c>$</c>, <c>.a.b</c>, <c>..a</c> (recursive), <c>['a.b']</c>, <c>[0]</c>, <c>[-1]</c>, <c>[1:3]</c>,
/// <c>[0,2]</c>, <c>[*]</c> / <c>.*</c>, and filters <c>[?(@.type=="Ready")]</c> (==, !=, &lt;, &lt;=, &gt;, &gt;=,
/// or bare existence). Missing keys yield no result rather than an error (kube's <c>AllowMissingKeys(true)</c>).
/// </summary>
public static class KubeJsonPath
{
    /// <exception cref="FormatException">when the expression cannot be parsed.</exception>
    public static IReadOnlyList<JsonNode?> Evaluate(JsonNode obj, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var steps = Parse(path);
        List<JsonNode?> current = [obj];
        foreach (var step in steps)
        {
            var next = new List<JsonNode?>();
            foreach (var node in current)
            {
                step(node, next);
            }

            current = next;
        }

        return current;
    }

    /// <summary>Parses without evaluating, to validate a column's JSONPath.</summary>
    public static bool IsValid(string path)
    {
        try
        {
            Parse(path);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private delegate void Step(JsonNode? node, List<JsonNode?> results);

    private static List<Step> Parse(string path)
    {
        var p = path.Trim();
        if (p.StartsWith('{') && p.EndsWith('}'))
        {
            p = p[1..^1].Trim();
        }

        var steps = new List<Step>();
        var i = 0;
        if (i < p.Length && p[i] == '$')
        {
            i++;
        }

        while (i < p.Length)
        {
            var c = p[i];
            if (c == '.')
            {
                if (i + 1 < p.Length && p[i + 1] == '.')
                {
                    i += 2;
                    var name = ReadName(p, ref i);
                    steps.Add(Recursive(name));
                    continue;
                }

                i++;
                if (i < p.Length && p[i] == '*')
                {
                    i++;
                    steps.Add(Wildcard);
                    continue;
                }

                var field = ReadName(p, ref i);
                if (field.Length > 0)
                {
                    steps.Add(Field(field));
                }
            }
            else if (c == '[')
            {
                var end = FindClosingBracket(p, i);
                var inner = p[(i + 1)..end].Trim();
                i = end + 1;
                steps.Add(Bracket(inner));
            }
            else
            {
                // A leading bare name ("metadata.name") is accepted like ".metadata.name".
                var field = ReadName(p, ref i);
                if (field.Length == 0)
                {
                    throw new FormatException($"unrecognized character in action: {c}");
                }

                steps.Add(Field(field));
            }
        }

        return steps;
    }

    private static string ReadName(string p, ref int i)
    {
        var start = i;
        while (i < p.Length && p[i] != '.' && p[i] != '[')
        {
            i++;
        }

        return p[start..i].Trim();
    }

    private static int FindClosingBracket(string p, int open)
    {
        char? quote = null;
        var depth = 0;
        for (var i = open; i < p.Length; i++)
        {
            var c = p[i];
            if (quote is not null)
            {
                if (c == quote)
                {
                    quote = null;
                }

                continue;
            }

            switch (c)
            {
                case '\'' or '"':
                    quote = c;
                    break;
                case '[' or '(':
                    depth++;
                    break;
                case ']' or ')':
                    depth--;
                    if (depth == 0 && c == ']')
                    {
                        return i;
                    }

                    break;
            }
        }

        throw new FormatException("unclosed array expect ]");
    }

    private static Step Field(string name) => (node, results) =>
    {
        if (node is JsonObject o && o.TryGetPropertyValue(name, out var v))
        {
            results.Add(v);
        }
    };

    private static void Wildcard(JsonNode? node, List<JsonNode?> results)
    {
        switch (node)
        {
            case JsonObject o:
                results.AddRange(o.Select(p => p.Value));
                break;
            case JsonArray a:
                results.AddRange(a);
                break;
        }
    }

    private static Step Recursive(string name) => (node, results) => Descend(node, name, results);

    private static void Descend(JsonNode? node, string name, List<JsonNode?> results)
    {
        switch (node)
        {
            case JsonObject o:
                if (name == "*" || name.Length == 0)
                {
                    results.AddRange(o.Select(p => p.Value));
                }
                else if (o.TryGetPropertyValue(name, out var v))
                {
                    results.Add(v);
                }

                foreach (var (_, child) in o)
                {
                    Descend(child, name, results);
                }

                break;
            case JsonArray a:
                foreach (var child in a)
                {
                    Descend(child, name, results);
                }

                break;
        }
    }

    private static Step Bracket(string inner)
    {
        if (inner == "*")
        {
            return Wildcard;
        }

        if (inner.StartsWith("?(", StringComparison.Ordinal) && inner.EndsWith(')'))
        {
            return Filter(inner[2..^1].Trim());
        }

        var parts = SplitUnion(inner);
        if (parts.Count > 1)
        {
            var steps = parts.Select(Bracket).ToList();
            return (node, results) =>
            {
                foreach (var s in steps)
                {
                    s(node, results);
                }
            };
        }

        if (IsQuoted(inner))
        {
            return Field(inner[1..^1]);
        }

        if (inner.Contains(':', StringComparison.Ordinal))
        {
            var bounds = inner.Split(':');
            int? start = ParseIndex(bounds[0]);
            int? end = bounds.Length > 1 ? ParseIndex(bounds[1]) : null;
            int? stride = bounds.Length > 2 ? ParseIndex(bounds[2]) : null;
            return (node, results) =>
            {
                if (node is not JsonArray a)
                {
                    return;
                }

                var len = a.Count;
                var s = Clamp(start ?? 0, len);
                var e = Clamp(end ?? len, len);
                var step = stride is > 0 ? stride.Value : 1;
                for (var k = s; k < e; k += step)
                {
                    results.Add(a[k]);
                }
            };
        }

        var index = ParseIndex(inner) ?? throw new FormatException($"invalid array index {inner}");
        return (node, results) =>
        {
            if (node is JsonArray a)
            {
                var k = index < 0 ? a.Count + index : index;
                if (k >= 0 && k < a.Count)
                {
                    results.Add(a[k]);
                }
            }
        };
    }

    private static int Clamp(int value, int length)
    {
        if (value < 0)
        {
            value += length;
        }

        return Math.Clamp(value, 0, length);
    }

    private static int? ParseIndex(string s)
    {
        s = s.Trim();
        if (s.Length == 0)
        {
            return null;
        }

        return int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new FormatException($"invalid array index {s}");
    }

    private static bool IsQuoted(string s) =>
        s.Length >= 2 && ((s[0] == '\'' && s[^1] == '\'') || (s[0] == '"' && s[^1] == '"'));

    private static List<string> SplitUnion(string inner)
    {
        var parts = new List<string>();
        var sb = new StringBuilder();
        char? quote = null;
        foreach (var c in inner)
        {
            if (quote is not null)
            {
                sb.Append(c);
                if (c == quote)
                {
                    quote = null;
                }

                continue;
            }

            if (c is '\'' or '"')
            {
                quote = c;
                sb.Append(c);
            }
            else if (c == ',')
            {
                parts.Add(sb.ToString().Trim());
                sb.Clear();
            }
            else
            {
                sb.Append(c);
            }
        }

        parts.Add(sb.ToString().Trim());
        return parts;
    }

    private static readonly string[] Operators = ["==", "!=", "<=", ">=", "<", ">"];

    private static Step Filter(string expression)
    {
        string? op = null;
        var at = -1;
        char? quote = null;
        for (var k = 0; k < expression.Length && op is null; k++)
        {
            var c = expression[k];
            if (quote is not null)
            {
                if (c == quote)
                {
                    quote = null;
                }

                continue;
            }

            if (c is '\'' or '"')
            {
                quote = c;
                continue;
            }

            foreach (var candidate in Operators)
            {
                if (string.CompareOrdinal(expression, k, candidate, 0, candidate.Length) == 0)
                {
                    op = candidate;
                    at = k;
                    break;
                }
            }
        }

        var left = (op is null ? expression : expression[..at]).Trim();
        var right = op is null ? null : expression[(at + op.Length)..].Trim();
        var leftPath = Operand(left);
        var rightPath = right is null ? null : Operand(right);
        return (node, results) =>
        {
            IEnumerable<JsonNode?> candidates = node switch
            {
                JsonArray a => a,
                JsonObject o => o.Select(p => p.Value),
                _ => [],
            };
            foreach (var item in candidates)
            {
                var lhs = leftPath(item);
                if (op is null)
                {
                    if (lhs.Count > 0 && lhs[0] is not null)
                    {
                        results.Add(item);
                    }

                    continue;
                }

                var rhs = rightPath!(item);
                if (lhs.Count > 0 && rhs.Count > 0 && Compare(lhs[0], rhs[0], op))
                {
                    results.Add(item);
                }
            }
        };
    }

    private static Func<JsonNode?, List<JsonNode?>> Operand(string text)
    {
        if (text.StartsWith('@'))
        {
            var steps = Parse(text[1..]);
            return item =>
            {
                List<JsonNode?> current = [item];
                foreach (var step in steps)
                {
                    var next = new List<JsonNode?>();
                    foreach (var n in current)
                    {
                        step(n, next);
                    }

                    current = next;
                }

                return current;
            };
        }

        JsonNode? literal = IsQuoted(text)
            ? JsonValue.Create(text[1..^1])
            : text switch
            {
                "true" => JsonValue.Create(true),
                "false" => JsonValue.Create(false),
                "nil" or "null" => null,
                _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                    ? JsonValue.Create(d)
                    : throw new FormatException($"unrecognized filter operand {text}"),
            };
        return _ => [literal];
    }

    private static bool Compare(JsonNode? a, JsonNode? b, string op)
    {
        if (Number(a) is { } x && Number(b) is { } y)
        {
            return op switch
            {
                "==" => x == y,
                "!=" => x != y,
                "<" => x < y,
                "<=" => x <= y,
                ">" => x > y,
                _ => x >= y,
            };
        }

        var sa = Text(a);
        var sb = Text(b);
        var cmp = string.CompareOrdinal(sa, sb);
        return op switch
        {
            "==" => cmp == 0,
            "!=" => cmp != 0,
            "<" => cmp < 0,
            "<=" => cmp <= 0,
            ">" => cmp > 0,
            _ => cmp >= 0,
        };
    }

    private static double? Number(JsonNode? n) =>
        n is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.GetValue<double>() : null;

    private static string? Text(JsonNode? n) => n switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => n.ToJsonString(),
    };
}
