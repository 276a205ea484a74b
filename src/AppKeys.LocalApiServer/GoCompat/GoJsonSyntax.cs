using System.Globalization;
using System.Text;

namespace AppKeys.LocalApiServer.GoCompat;

/// <summary>
/// Go's <c>encoding/json</c> syntax check (<c>scanner.go</c>: checkValid, the scanner's state functions and
/// quoteChar), so decode errors read exactly as kube-apiserver's do:
/// <c>invalid character 'b' looking for beginning of object key string</c>, <c>unexpected end of JSON input</c>.
/// </summary>
public static class GoJsonSyntax
{
    private enum Container
    {
        ObjectKey,
        ObjectValue,
        Array,
    }

    private enum State
    {
        BeginValue,
        BeginValueOrEmpty,
        BeginString,
        BeginStringOrEmpty,
        EndValue,
    }

    /// <summary>The error Go's json.Unmarshal reports for <paramref name="data"/>'s syntax, or null when it is valid JSON.</summary>
    public static string? Check(ReadOnlySpan<byte> data)
    {
        const string Eof = "unexpected end of JSON input";
        var stack = new Stack<Container>();
        var state = State.BeginValue;
        var i = 0;
        while (true)
        {
            SkipSpace(data, ref i);
            if (state == State.EndValue && stack.Count == 0)
            {
                return i < data.Length ? Invalid(data[i], "after top-level value") : null;
            }
            if (i >= data.Length)
            {
                return Eof;
            }
            var c = data[i];
            string? error = null;
            switch (state)
            {
                case State.BeginValue or State.BeginValueOrEmpty:
                    if (state == State.BeginValueOrEmpty && c == ']')
                    {
                        i++;
                        stack.Pop();
                        state = State.EndValue;
                        continue;
                    }
                    switch (c)
                    {
                        case (byte)'{':
                            i++;
                            state = State.BeginStringOrEmpty;
                            continue;
                        case (byte)'[':
                            i++;
                            stack.Push(Container.Array);
                            state = State.BeginValueOrEmpty;
                            continue;
                        case (byte)'"':
                            error = ParseString(data, ref i);
                            break;
                        case (byte)'-' or (>= (byte)'0' and <= (byte)'9'):
                            error = ParseNumber(data, ref i);
                            break;
                        case (byte)'t':
                            error = ParseLiteral(data, ref i, "true");
                            break;
                        case (byte)'f':
                            error = ParseLiteral(data, ref i, "false");
                            break;
                        case (byte)'n':
                            error = ParseLiteral(data, ref i, "null");
                            break;
                        default:
                            return Invalid(c, "looking for beginning of value");
                    }
                    state = State.EndValue;
                    break;
                case State.BeginString or State.BeginStringOrEmpty:
                    if (state == State.BeginStringOrEmpty && c == '}')
                    {
                        i++;
                        state = State.EndValue;
                        continue;
                    }
                    if (c != '"')
                    {
                        return Invalid(c, "looking for beginning of object key string");
                    }
                    error = ParseString(data, ref i);
                    stack.Push(Container.ObjectKey);
                    state = State.EndValue;
                    break;
                default:
                    switch (stack.Peek())
                    {
                        case Container.ObjectKey:
                            if (c != ':')
                            {
                                return Invalid(c, "after object key");
                            }
                            stack.Pop();
                            stack.Push(Container.ObjectValue);
                            state = State.BeginValue;
                            break;
                        case Container.ObjectValue:
                            if (c == ',')
                            {
                                state = State.BeginString;
                            }
                            else if (c != '}')
                            {
                                return Invalid(c, "after object key:value pair");
                            }
                            stack.Pop();
                            break;
                        default:
                            if (c == ',')
                            {
                                state = State.BeginValue;
                            }
                            else if (c == ']')
                            {
                                stack.Pop();
                            }
                            else
                            {
                                return Invalid(c, "after array element");
                            }
                            break;
                    }
                    i++;
                    break;
            }
            if (error is not null)
            {
                return error;
            }
        }
    }

    private static string? ParseString(ReadOnlySpan<byte> data, ref int i)
    {
        i++; // opening quote
        while (i < data.Length)
        {
            var c = data[i];
            if (c == '"')
            {
                i++;
                return null;
            }
            if (c == '\\')
            {
                i++;
                if (i >= data.Length)
                {
                    return "unexpected end of JSON input";
                }
                var e = data[i];
                if (e is (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t' or (byte)'\\' or (byte)'/' or (byte)'"')
                {
                    i++;
                    continue;
                }
                if (e != 'u')
                {
                    return Invalid(e, "in string escape code");
                }
                i++;
                for (var k = 0; k < 4; k++, i++)
                {
                    if (i >= data.Length)
                    {
                        return "unexpected end of JSON input";
                    }
                    if (!Uri.IsHexDigit((char)data[i]))
                    {
                        return Invalid(data[i], "in \\u hexadecimal character escape");
                    }
                }
                continue;
            }
            if (c < 0x20)
            {
                return Invalid(c, "in string literal");
            }
            i++;
        }
        return "unexpected end of JSON input";
    }

    private static string? ParseNumber(ReadOnlySpan<byte> data, ref int i)
    {
        if (data[i] == '-')
        {
            i++;
            if (i >= data.Length)
            {
                return "unexpected end of JSON input";
            }
            if (!IsDigit(data[i]))
            {
                return Invalid(data[i], "in numeric literal");
            }
        }
        if (data[i] == '0')
        {
            i++;
        }
        else
        {
            while (i < data.Length && IsDigit(data[i]))
            {
                i++;
            }
        }
        if (i < data.Length && data[i] == '.')
        {
            i++;
            if (i >= data.Length)
            {
                return "unexpected end of JSON input";
            }
            if (!IsDigit(data[i]))
            {
                return Invalid(data[i], "after decimal point in numeric literal");
            }
            while (i < data.Length && IsDigit(data[i]))
            {
                i++;
            }
        }
        if (i < data.Length && data[i] is (byte)'e' or (byte)'E')
        {
            i++;
            if (i < data.Length && data[i] is (byte)'+' or (byte)'-')
            {
                i++;
            }
            if (i >= data.Length)
            {
                return "unexpected end of JSON input";
            }
            if (!IsDigit(data[i]))
            {
                return Invalid(data[i], "in exponent of numeric literal");
            }
            while (i < data.Length && IsDigit(data[i]))
            {
                i++;
            }
        }
        return null;
    }

    private static string? ParseLiteral(ReadOnlySpan<byte> data, ref int i, string literal)
    {
        i++;
        for (var k = 1; k < literal.Length; k++, i++)
        {
            if (i >= data.Length)
            {
                return "unexpected end of JSON input";
            }
            if (data[i] != literal[k])
            {
                return Invalid(data[i], $"in literal {literal} (expecting {QuoteChar((byte)literal[k])})");
            }
        }
        return null;
    }

    private static bool IsDigit(byte c) => c is >= (byte)'0' and <= (byte)'9';

    private static void SkipSpace(ReadOnlySpan<byte> data, ref int i)
    {
        while (i < data.Length && data[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            i++;
        }
    }

    private static string Invalid(byte c, string context) => $"invalid character {QuoteChar(c)} {context}";

    /// <summary>Go's quoteChar: <c>'\''</c>, <c>'"'</c>, else strconv.Quote of the byte as a rune inside single quotes.</summary>
    internal static string QuoteChar(byte c)
    {
        if (c == '\'')
        {
            return "'\\''";
        }
        if (c == '"')
        {
            return "'\"'";
        }
        var rune = (char)c;
        string inner = rune switch
        {
            '\a' => "\\a",
            '\b' => "\\b",
            '\f' => "\\f",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            '\v' => "\\v",
            '\\' => "\\\\",
            _ when c < 0x20 || c == 0x7f => "\\x" + c.ToString("x2", CultureInfo.InvariantCulture),
            _ when c is >= 0x80 and < 0xa0 => "\\u00" + c.ToString("x2", CultureInfo.InvariantCulture),
            _ => rune.ToString(),
        };
        return "'" + inner + "'";
    }

    /// <summary>The JSON type name Go's UnmarshalTypeError uses for the top-level value of valid JSON.</summary>
    public static string ValueKind(ReadOnlySpan<byte> data)
    {
        var i = 0;
        SkipSpace(data, ref i);
        return i >= data.Length ? "null" : data[i] switch
        {
            (byte)'{' => "object",
            (byte)'[' => "array",
            (byte)'"' => "string",
            (byte)'t' or (byte)'f' => "bool",
            (byte)'n' => "null",
            _ => "number",
        };
    }

    /// <summary>The type error of decoding a non-object into the GVK probe struct of runtime/serializer/json/meta.go.</summary>
    public static string NotAnObject(string valueKind) =>
        $"json: cannot unmarshal {valueKind} into Go value of type struct {{ APIVersion string \"json:\\\"apiVersion,omitempty\\\"\"; Kind string \"json:\\\"kind,omitempty\\\"\" }}";

    /// <summary>kube's summarizeData (handlers/rest.go): the body itself, or hex, cut at <paramref name="maxLength"/> bytes.</summary>
    public static string Summarize(ReadOnlySpan<byte> data, int maxLength = 30)
    {
        if (data.Length == 0)
        {
            return "<empty>";
        }
        if (data[0] == '{')
        {
            return data.Length > maxLength ? Encoding.UTF8.GetString(data[..maxLength]) + " ..." : Encoding.UTF8.GetString(data);
        }
        var cut = data.Length > maxLength ? data[..maxLength] : data;
        return "0x" + Convert.ToHexStringLower(cut) + (data.Length > maxLength ? " ..." : "");
    }
}
