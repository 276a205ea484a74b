using System.Globalization;

namespace AppKeys.Operator.Controllers;

/// <summary>Whole-second UTC timestamps as Kubernetes writes them (<c>2026-01-02T03:04:05Z</c>).</summary>
public static class Rfc3339
{
    private const string Format = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    public static string ToString(DateTimeOffset value) => value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);

    public static DateTimeOffset? Parse(string? value) =>
        DateTimeOffset.TryParseExact(value, Format, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
            ? parsed
            : null;
}
