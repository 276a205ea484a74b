using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace AppKeys.LocalApiServer.Schema;

/// <summary>
/// String formats kube-apiserver checks in custom resources (kube-openapi <c>pkg/validation/strfmt</c> default
/// registry). Formats for numbers (int32, int64, float, double) and unknown formats are not checked, as in kube.
/// </summary>
internal static partial class Formats
{
    [GeneratedRegex("^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\\z", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Uuid();

    [GeneratedRegex("^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}\\z", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Uuid3();

    [GeneratedRegex("^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}\\z", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Uuid4();

    [GeneratedRegex("^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}\\z", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Uuid5();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Date();

    [GeneratedRegex(@"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})?\z", RegexOptions.CultureInvariant)]
    private static partial Regex DateTime();

    [GeneratedRegex(@"^([a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*\.?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Hostname();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex Email();

    [GeneratedRegex(@"^([0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}\z|^([0-9a-fA-F]{4}\.){2}[0-9a-fA-F]{4}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Mac();

    [GeneratedRegex("^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})\\z", RegexOptions.CultureInvariant)]
    private static partial Regex HexColor();

    [GeneratedRegex(@"^rgb\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*\)\z", RegexOptions.CultureInvariant)]
    private static partial Regex RgbColor();

    [GeneratedRegex(@"^(\s*[-+]?(\d+(\.\d*)?|\.\d+)\s*(ns|us|µs|ms|s|m|h|d|w|nanoseconds?|microseconds?|milliseconds?|seconds?|minutes?|hours?|days?|weeks?)\s*)+\z", RegexOptions.CultureInvariant)]
    private static partial Regex Duration();

    [GeneratedRegex("^[0-9a-fA-F]{24}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex BsonObjectId();

    [GeneratedRegex(@"^\d{3}[- ]?\d{2}[- ]?\d{4}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Ssn();

    /// <summary>Null when the format is not checked; otherwise whether <paramref name="value"/> conforms.</summary>
    public static bool? Check(string format, string value) => format switch
    {
        "date-time" or "datetime" => IsDateTime(value),
        "date" => Date().IsMatch(value) && System.DateTime.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
        "byte" => GoCompat.GoBase64.TryDecodedLength(value, out _, out _),
        "uuid" => Uuid().IsMatch(value),
        "uuid3" => Uuid3().IsMatch(value),
        "uuid4" => Uuid4().IsMatch(value),
        "uuid5" => Uuid5().IsMatch(value),
        "hostname" => value.Length <= 255 && Hostname().IsMatch(value),
        "email" => Email().IsMatch(value),
        "ipv4" => IPAddress.TryParse(value, out var v4) && v4.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && value.Count(c => c == '.') == 3,
        "ipv6" => value.Contains(':', StringComparison.Ordinal) && IPAddress.TryParse(value, out var v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6,
        "cidr" => IsCidr(value),
        "mac" => Mac().IsMatch(value),
        "uri" => !value.Contains(' ', StringComparison.Ordinal),
        "hexcolor" => HexColor().IsMatch(value),
        "rgbcolor" => RgbColor().IsMatch(value),
        "duration" => Duration().IsMatch(value),
        "bsonobjectid" => BsonObjectId().IsMatch(value),
        "ssn" => Ssn().IsMatch(value),
        "password" => true,
        _ => null,
    };

    private static bool IsDateTime(string value)
    {
        var m = DateTime().Match(value);
        if (!m.Success)
        {
            return false;
        }

        var date = $"{m.Groups[1].Value}-{m.Groups[2].Value}-{m.Groups[3].Value}";
        return System.DateTime.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
               && int.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture) < 24
               && int.Parse(m.Groups[5].Value, CultureInfo.InvariantCulture) < 60
               && int.Parse(m.Groups[6].Value, CultureInfo.InvariantCulture) < 61;
    }

    private static bool IsCidr(string value)
    {
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !IPAddress.TryParse(value[..slash], out var ip)
            || !int.TryParse(value[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var bits))
        {
            return false;
        }

        return bits <= (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
    }
}
