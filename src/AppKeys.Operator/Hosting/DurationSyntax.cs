using System.Globalization;
using System.Text;

namespace AppKeys.Operator.Hosting;

/// <summary>Durations in flags: a sequence of number-unit pairs, units <c>d h m s</c> (Go's <c>time.ParseDuration</c> plus days).</summary>
public static class DurationSyntax
{
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var total = 0m;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
            {
                i++;
            }

            if (i == start || i == text.Length || !decimal.TryParse(text.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            decimal? seconds = text[i] switch { 'd' => 86400m, 'h' => 3600m, 'm' => 60m, 's' => 1m, _ => null };
            if (seconds is null || number > 1_000_000_000m)
            {
                return false;
            }

            total += number * seconds.Value;
            i++;
        }

        if (total > 10_000_000_000m)
        {
            return false;
        }

        value = TimeSpan.FromSeconds((double)total);
        return true;
    }

    /// <summary>The shortest form (<c>30d</c>, <c>1h30m</c>, <c>90s</c>).</summary>
    public static string Format(TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            return "0s";
        }

        var text = new StringBuilder();
        Append(text, value.Days, 'd');
        Append(text, value.Hours, 'h');
        Append(text, value.Minutes, 'm');
        Append(text, value.Seconds, 's');
        return text.ToString();
    }

    private static void Append(StringBuilder text, int amount, char unit)
    {
        if (amount > 0)
        {
            text.Append(amount.ToString(CultureInfo.InvariantCulture)).Append(unit);
        }
    }
}
