using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace AppKeys.LocalApiServer.Objects;

/// <summary>
/// YAML to JSON as Kubernetes converts it (kubectl, kube-apiserver and Helm all use sigs.k8s.io/yaml
/// <c>YAMLToJSON</c> over go-yaml v2, <c>resolve.go</c>), so a manifest means the same here as in a cluster.
/// Plain scalars resolve by go-yaml v2's YAML 1.1-flavoured rules: <c>y/yes/on/true</c> and <c>n/no/off/false</c>
/// (three casings) are booleans, <c>~/null</c> and empty are null, integers take Go prefixes (<c>0x1F</c>, <c>0o17</c>,
/// <c>0b101</c>, and a leading 0 is octal: <c>0644</c> is 420) and underscores, floats follow
/// <c>[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?</c>; timestamps and everything else stay strings.
/// Quoted, literal and folded scalars, and <c>!!str</c>, are strings. Mapping keys resolve the same way and are then
/// written as strings (<c>on:</c> becomes <c>"true"</c>); <c>&lt;&lt;</c> merges mappings. A null key, a
/// uint64 key or a NaN/Inf value cannot be JSON: <see cref="YamlException"/>, as sigs.k8s.io/yaml fails.
/// </summary>
public static partial class YamlToJson
{
    private const string TagPrefix = "tag:yaml.org,2002:";

    /// <summary>The first document (null for an empty stream or an empty document).</summary>
    public static JsonNode? Convert(string yaml)
    {
        var documents = ConvertAll(yaml);
        return documents.Count == 0 ? null : documents[0];
    }

    /// <summary>Every document of a YAML stream, in order (null for an empty document).</summary>
    public static List<JsonNode?> ConvertAll(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.Select(d => Node(d.RootNode)).ToList();
    }

    /// <summary>The JSON value of one scalar, resolved as go-yaml v2 does for an <c>interface{}</c> target.</summary>
    public static JsonValue? Scalar(YamlScalarNode scalar)
    {
        ArgumentNullException.ThrowIfNull(scalar);
        var value = Resolve(scalar);
        return value switch
        {
            null => null,
            string s => JsonValue.Create(s),
            bool b => JsonValue.Create(b),
            long l => JsonValue.Create(l),
            ulong u => JsonValue.Create((double)u),
            double d when double.IsNaN(d) || double.IsInfinity(d) =>
                throw new YamlException(scalar.Start, scalar.End, $"json: unsupported value: {GoFloatName(d)}"),
            // Go writes integral float64s below 1e21 without a fraction ("1e3" becomes 1000), and every JSON reader
            // then sees an integer: give the same value here.
            double d when double.IsInteger(d) && Math.Abs(d) < 9.2e18 => JsonValue.Create((long)d),
            double d => JsonValue.Create(d),
            _ => throw new YamlException(scalar.Start, scalar.End, $"unsupported scalar {value.GetType().Name}"),
        };
    }

    private static JsonNode? Node(YamlNode node) => node switch
    {
        YamlMappingNode map => Map(map, new JsonObject()),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(Node).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new YamlException(node.Start, node.End, $"unsupported YAML node {node.NodeType}"),
    };

    private static JsonObject Map(YamlMappingNode map, JsonObject target)
    {
        foreach (var (keyNode, valueNode) in map.Children)
        {
            if (keyNode is YamlScalarNode { Value: "<<", Style: ScalarStyle.Plain or ScalarStyle.Any })
            {
                Merge(valueNode, target);
                continue;
            }
            // Later keys win (go-yaml v2 without strict mode).
            target[Key(keyNode)] = Node(valueNode);
        }
        return target;
    }

    /// <summary>go-yaml v2 merge: a mapping, or a sequence of mappings where earlier ones win; order matters.</summary>
    private static void Merge(YamlNode value, JsonObject target)
    {
        switch (value)
        {
            case YamlMappingNode map:
                Map(map, target);
                break;
            case YamlSequenceNode seq when seq.Children.All(c => c is YamlMappingNode):
                for (var i = seq.Children.Count - 1; i >= 0; i--)
                {
                    Map((YamlMappingNode)seq.Children[i], target);
                }
                break;
            default:
                throw new YamlException(value.Start, value.End, "map merge requires map or sequence of maps as the value");
        }
    }

    /// <summary>sigs.k8s.io/yaml turns resolved keys into strings: ints in decimal, floats as float32 %g, bools.</summary>
    private static string Key(YamlNode keyNode)
    {
        if (keyNode is not YamlScalarNode scalar)
        {
            throw new YamlException(keyNode.Start, keyNode.End, "Unsupported map key: a collection");
        }
        return Resolve(scalar) switch
        {
            string s => s,
            long l => l.ToString(CultureInfo.InvariantCulture),
            double d => GoFloat32Key(d),
            bool b => b ? "true" : "false",
            null => throw new YamlException(scalar.Start, scalar.End, "Unsupported map key of type: <nil>"),
            var other => throw new YamlException(scalar.Start, scalar.End, $"Unsupported map key of type: {GoTypeName(other)}"),
        };
    }

    /// <summary>string, long, ulong, double, bool or null (go-yaml v2 <c>resolve</c>).</summary>
    private static object? Resolve(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        var tag = scalar.Tag.IsEmpty || scalar.Tag.IsNonSpecific ? "" : scalar.Tag.Value;
        if (tag == TagPrefix + "str")
        {
            return text;
        }
        if (tag == TagPrefix + "binary")
        {
            try
            {
                return Encoding.UTF8.GetString(System.Convert.FromBase64String(text));
            }
            catch (FormatException)
            {
                throw new YamlException(scalar.Start, scalar.End, "!!binary value contains invalid base64 data");
            }
        }
        if (tag.Length == 0 && scalar.Style is not (ScalarStyle.Plain or ScalarStyle.Any))
        {
            return text;
        }
        var resolved = ResolvePlain(text);
        if (tag.StartsWith(TagPrefix, StringComparison.Ordinal) && !TagMatches(tag[TagPrefix.Length..], resolved))
        {
            throw new YamlException(scalar.Start, scalar.End, $"cannot decode `{text}` as a !!{tag[TagPrefix.Length..]}");
        }
        return resolved;
    }

    private static bool TagMatches(string tag, object? resolved) => tag switch
    {
        "int" => resolved is long or ulong,
        "float" => resolved is double or long or ulong,
        "bool" => resolved is bool,
        "null" => resolved is null,
        _ => true,
    };

    /// <summary>The resolution of a plain scalar (resolve.go: map lookup by first-character hint, then numbers).</summary>
    internal static object? ResolvePlain(string text)
    {
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "y" or "Y" or "yes" or "Yes" or "YES" or "on" or "On" or "ON" or "true" or "True" or "TRUE":
                return true;
            case "n" or "N" or "no" or "No" or "NO" or "off" or "Off" or "OFF" or "false" or "False" or "FALSE":
                return false;
            case ".nan" or ".NaN" or ".NAN":
                return double.NaN;
            case ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF":
                return double.PositiveInfinity;
            case "-.inf" or "-.Inf" or "-.INF":
                return double.NegativeInfinity;
            default:
                break;
        }
        var first = text[0];
        if (first == '.')
        {
            return ParseGoFloat(text) is { } f ? f : text;
        }
        if (!(char.IsAsciiDigit(first) || first is '+' or '-') || IsTimestamp(text))
        {
            // Timestamps resolve to !!timestamp, which go-yaml v2 hands to interface{} targets as the original string.
            return text;
        }
        var plain = text.Replace("_", "", StringComparison.Ordinal);
        if (TryGoInteger(plain, out var integer))
        {
            return integer;
        }
        return ParseGoFloat(plain) is { } real ? real : text;
    }

    /// <summary>A float in go-yaml's pattern that Go's ParseFloat accepts (out of range, e.g. 1e400, is an error there: null).</summary>
    private static double? ParseGoFloat(string s) =>
        FloatPattern().IsMatch(s) && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d : null;

    /// <summary>Go <c>strconv.ParseInt(s, 0, 64)</c>, then <c>ParseUint</c>: sign, 0x/0o/0b prefixes, a leading 0 is octal.</summary>
    private static bool TryGoInteger(string s, out object integer)
    {
        integer = 0L;
        var negative = false;
        var body = s;
        if (body.Length > 0 && body[0] is '+' or '-')
        {
            negative = body[0] == '-';
            body = body[1..];
        }
        var radix = 10;
        if (body.Length > 2 && body[0] == '0' && char.ToLowerInvariant(body[1]) is 'x' or 'o' or 'b')
        {
            radix = char.ToLowerInvariant(body[1]) switch { 'x' => 16, 'o' => 8, _ => 2 };
            body = body[2..];
        }
        else if (body.Length > 1 && body[0] == '0')
        {
            radix = 8;
            body = body[1..];
        }
        if (body.Length == 0)
        {
            return false;
        }
        System.Numerics.BigInteger value = 0;
        foreach (var c in body)
        {
            var digit = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'z' => c - 'a' + 10,
                >= 'A' and <= 'Z' => c - 'A' + 10,
                _ => 99,
            };
            if (digit >= radix)
            {
                return false;
            }
            value = (value * radix) + digit;
        }
        if (negative)
        {
            value = -value;
        }
        if (value >= long.MinValue && value <= long.MaxValue)
        {
            integer = (long)value;
            return true;
        }
        if (!negative && value <= ulong.MaxValue)
        {
            // go-yaml gives a uint64, and JSON decoding into unstructured objects (kubectl, kube-apiserver) then
            // keeps only a float64 of it: 12345678901234567890 is stored as 1.2345678901234567e+19.
            integer = (ulong)value;
            return true;
        }
        return false;
    }

    /// <summary>resolve.go parseTimestamp: four digits and '-', then one of go-yaml's layouts.</summary>
    private static bool IsTimestamp(string s) =>
        s.Length > 4 && s[4] == '-' && s[..4].All(char.IsAsciiDigit) && TimestampPattern().IsMatch(s);

    /// <summary>Go's <c>strconv.FormatFloat(f, 'g', -1, 32)</c>: the shortest float32 digits, in %e form below 1e-4 or from 1e6.</summary>
    private static string GoFloat32Key(double value)
    {
        if (double.IsNaN(value))
        {
            return ".nan";
        }
        if (double.IsInfinity(value))
        {
            return value > 0 ? ".inf" : "-.inf";
        }
        var single = (float)value;
        if (single == 0)
        {
            return float.IsNegative(single) ? "-0" : "0";
        }
        // The shortest round-trip digits and the decimal point position, from .NET's shortest representation.
        var shortest = single.ToString("R", CultureInfo.InvariantCulture);
        var negative = shortest.StartsWith('-');
        var mantissa = negative ? shortest[1..] : shortest;
        var exponent = 0;
        if (mantissa.IndexOfAny(['E', 'e']) is var e and >= 0)
        {
            exponent = int.Parse(mantissa[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            mantissa = mantissa[..e];
        }
        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = mantissa.Replace(".", "", StringComparison.Ordinal);
        var decimalPoint = (point < 0 ? mantissa.Length : point) + exponent;
        var leadingZeros = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        decimalPoint -= leadingZeros;
        var x = decimalPoint - 1;
        // %g with the shortest precision switches to exponent form when the exponent is below -4 or at least 6.
        const int eprec = 6;
        string text;
        if (x < -4 || x >= eprec)
        {
            var frac = digits.Length > 1 ? "." + digits[1..] : "";
            text = $"{digits[0]}{frac}e{(x < 0 ? '-' : '+')}{Math.Abs(x):00}";
        }
        else if (decimalPoint <= 0)
        {
            text = "0." + new string('0', -decimalPoint) + digits;
        }
        else if (decimalPoint >= digits.Length)
        {
            text = digits + new string('0', decimalPoint - digits.Length);
        }
        else
        {
            text = digits[..decimalPoint] + "." + digits[decimalPoint..];
        }
        return negative ? "-" + text : text;
    }

    private static string GoFloatName(double d) => double.IsNaN(d) ? "NaN" : d > 0 ? "+Inf" : "-Inf";

    private static string GoTypeName(object value) => value switch
    {
        ulong => "uint64",
        _ => value.GetType().Name,
    };

    [GeneratedRegex("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?\\z")]
    private static partial Regex FloatPattern();

    // go-yaml's layouts: "2006-1-2T15:4:5.999999999Z07:00" (T or t), "2006-1-2 15:4:5.999999999", "2006-1-2".
    [GeneratedRegex("^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(([Tt][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\\.[0-9]+)?(Z|[-+][0-9]{2}:[0-9]{2}))|( [0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\\.[0-9]+)?))?\\z")]
    private static partial Regex TimestampPattern();
}
