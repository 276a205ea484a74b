using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Cel;

namespace AppKeys.LocalApiServer.Schema;

/// <summary>
/// The one place the CEL implementation (NuGet <c>Cel</c>, a dynamically typed C# interpreter of the cel-spec
/// grammar) is used: expressions compiled once, values converted from JSON as apiextensions-apiserver types them,
/// and errors worded as cel-go words them. The library covers the core language CRD rules use (<c>self</c>,
/// <c>oldSelf</c>, <c>has()</c>, <c>size()</c>, comparisons, logic, ternary, <c>in</c>, string
/// <c>startsWith/endsWith/contains/matches</c>, the <c>all/exists/exists_one/map/filter</c> macros,
/// <c>int/uint/double/string/duration/timestamp</c>); the Kubernetes strings library's common functions are
/// registered here (<c>lowerAscii</c>, <c>upperAscii</c>, <c>trim</c>, <c>replace</c>, <c>split</c>, <c>join</c>,
/// <c>indexOf</c>, <c>lastIndexOf</c>). It has no type checker: what cel-go rejects at compile time
/// (an undefined field or function, a non-bool rule) surfaces here only when evaluated.
/// </summary>
internal sealed partial class CelEvaluator
{
    public static CelEvaluator Shared { get; } = new();

    private readonly CelEnvironment environment;

    private CelEvaluator()
    {
        environment = new CelEnvironment(null, "");
        environment.RegisterFunction("lowerAscii", [typeof(string)], a => AsciiCase((string)a[0]!, upper: false));
        environment.RegisterFunction("upperAscii", [typeof(string)], a => AsciiCase((string)a[0]!, upper: true));
        environment.RegisterFunction("trim", [typeof(string)], a => ((string)a[0]!).Trim());
        environment.RegisterFunction("replace", [typeof(string), typeof(string), typeof(string)], a => ((string)a[0]!).Replace((string)a[1]!, (string)a[2]!, StringComparison.Ordinal));
        environment.RegisterFunction("split", [typeof(string), typeof(string)], a => ((string)a[0]!).Split((string)a[1]!).Cast<object?>().ToArray());
        environment.RegisterFunction("indexOf", [typeof(string), typeof(string)], a => (long)((string)a[0]!).IndexOf((string)a[1]!, StringComparison.Ordinal));
        environment.RegisterFunction("lastIndexOf", [typeof(string), typeof(string)], a => (long)((string)a[0]!).LastIndexOf((string)a[1]!, StringComparison.Ordinal));
        environment.RegisterFunction("join", [typeof(object[])], a => string.Join("", ((object?[])a[0]!).Select(x => x as string)));
        environment.RegisterFunction("join", [typeof(object[]), typeof(string)], a => string.Join((string)a[1]!, ((object?[])a[0]!).Select(x => x as string)));
    }

    /// <summary>A compiled expression; <see cref="Error"/> (cel-go's "ERROR: &lt;input&gt;:l:c: ..." text) when it does not parse.</summary>
    public sealed record Compiled(string Expression, CelProgramDelegate? Program, string? Error);

    public Compiled Compile(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        try
        {
            return new Compiled(expression, environment.Compile(expression), null);
        }
        catch (CelException ex)
        {
            return new Compiled(expression, null, SyntaxError(expression, ex.Message));
        }
    }

    /// <summary>Evaluates with the given variables (JSON values, converted as kube's CEL types them); throws <see cref="CelEvaluationException"/>.</summary>
    public object? Evaluate(Compiled compiled, IReadOnlyDictionary<string, (JsonNode? Value, SchemaNode? Schema)> variables)
    {
        ArgumentNullException.ThrowIfNull(compiled);
        ArgumentNullException.ThrowIfNull(variables);
        if (compiled.Program is null)
        {
            throw new CelEvaluationException(compiled.Error ?? "compilation failed");
        }
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, (value, schema)) in variables)
        {
            values[name] = ToCel(value, schema);
        }
        try
        {
            return compiled.Program(values);
        }
        catch (CelException ex)
        {
            throw new CelEvaluationException(RuntimeError(ex));
        }
        catch (Exception ex) when (ex is InvalidCastException or OverflowException or ArgumentException or FormatException or RegexMatchTimeoutException or NullReferenceException)
        {
            throw new CelEvaluationException(ex is OverflowException ? "integer overflow" : "no such overload");
        }
    }

    /// <summary>
    /// A JSON value as apiextensions' CEL sees it (apiserver/pkg/cel/common/values.go): objects are maps, arrays
    /// lists, integers int, other numbers double, and strings of format <c>date-time</c>/<c>duration</c>
    /// timestamps/durations.
    /// </summary>
    private object? ToCel(JsonNode? node, SchemaNode? schema) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(kv => kv.Key, kv => ToCel(kv.Value, ChildSchema(schema, kv.Key)), StringComparer.Ordinal),
        JsonArray a => a.Select(item => ToCel(item, schema?.Items)).ToArray(),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number when schema?.Type != "number" && v.TryGetValue<long>(out var l) => l,
            JsonValueKind.Number => v.GetValue<double>(),
            JsonValueKind.String => Text(v.GetValue<string>(), schema),
            _ => null,
        },
        _ => null,
    };

    private object Text(string text, SchemaNode? schema)
    {
        switch (schema?.Type == "string" ? schema.Format : null)
        {
            case "date-time" when DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time):
                return time;
            case "duration":
                try
                {
                    return environment.Program("duration(d)", new Dictionary<string, object?> { ["d"] = text }) ?? text;
                }
                catch (CelException)
                {
                    return text;
                }
            default:
                return text;
        }
    }

    private static SchemaNode? ChildSchema(SchemaNode? schema, string key) =>
        schema?.Properties is { } properties && properties.TryGetValue(key, out var child) ? child : schema?.AdditionalProperties;

    private static string AsciiCase(string s, bool upper)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            sb.Append(c is >= 'a' and <= 'z' && upper ? (char)(c - 32) : c is >= 'A' and <= 'Z' && !upper ? (char)(c + 32) : c);
        }
        return sb.ToString();
    }

    /// <summary>cel-go's runtime error texts (common/types/err.go): what kube puts before " evaluating rule: ...".</summary>
    private static string RuntimeError(CelException ex) => ex switch
    {
        CelNoSuchFieldException when FieldName().Match(ex.Message) is { Success: true } m => $"no such key: {m.Groups[1].Value}",
        CelNoSuchFieldException or CelTypeDoesNotSupportFieldSelectionException => "no such key",
        CelDivideByZeroException => "division by zero",
        CelModulusByZeroException => "modulus by zero",
        CelOverflowException => "integer overflow",
        CelArgumentRangeException when ex.Message.StartsWith("Key", StringComparison.Ordinal) => "no such key",
        CelArgumentRangeException => "index out of bounds",
        CelNoSuchOverloadException => "no such overload",
        _ => ex.Message,
    };

    /// <summary>
    /// cel-go's parse error display: <c>ERROR: &lt;input&gt;:1:4: Syntax error: mismatched input ...</c>, then the
    /// source line and a caret under the column (common/errors.go ToDisplayString). The library reports ANTLR's
    /// 0-based column as <c>Line L:C</c>; cel-go prints it 1-based.
    /// </summary>
    private static string SyntaxError(string expression, string message)
    {
        var m = LineColumn().Match(message);
        if (!m.Success)
        {
            return $"ERROR: <input>:1:1: Syntax error: {message.Split('\n')[0]}";
        }
        var line = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        var column = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        var text = m.Groups[3].Value.Split('\n')[0].Trim();
        var lines = expression.Split('\n');
        var snippet = line >= 1 && line <= lines.Length ? lines[line - 1].Replace('\t', ' ') : "";
        return $"ERROR: <input>:{line}:{column + 1}: Syntax error: {text}\n | {snippet}\n | {new string('.', Math.Min(column, snippet.Length))}^";
    }

    [GeneratedRegex(@"^Line (\d+):(\d+) (.*)$", RegexOptions.Singleline)]
    private static partial Regex LineColumn();

    [GeneratedRegex("select field '([^']*)'")]
    private static partial Regex FieldName();
}
