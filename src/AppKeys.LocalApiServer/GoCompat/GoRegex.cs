using System.Text;
using System.Text.RegularExpressions;

namespace AppKeys.LocalApiServer.GoCompat;

/// <summary>
/// Compiles a CRD schema <c>pattern</c>, which kube evaluates with Go's RE2 (<c>regexp</c>), as a .NET regex with
/// the same end-of-text meaning. Go's <c>$</c> (without the <c>m</c> flag) matches only at the very end of the
/// text; .NET's also matches before a final <c>"\n"</c>, so <c>^[a-z]+$</c> would accept <c>"abc\n"</c>.
/// Each such <c>$</c> is rewritten to <c>\z</c>; patterns that turn on multi-line mode keep theirs (there both
/// engines match before every newline).
/// </summary>
public static partial class GoRegex
{
    public static Regex Compile(string pattern, TimeSpan timeout) =>
        new(Translate(pattern), RegexOptions.CultureInvariant, timeout);

    /// <summary>The .NET spelling of the Go pattern <paramref name="pattern"/> (see the type's remarks).</summary>
    public static string Translate(string pattern)
    {
        if (!pattern.Contains('$', StringComparison.Ordinal) || MultiLineFlag().IsMatch(pattern))
        {
            return pattern;
        }
        var sb = new StringBuilder(pattern.Length + 4);
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                sb.Append(c).Append(pattern[++i]);
                continue;
            }
            if (inClass)
            {
                if (c == ']')
                {
                    inClass = false;
                }
                sb.Append(c);
                continue;
            }
            if (c == '[')
            {
                inClass = true;
                sb.Append(c);
                // A ']' right after '[' or '[^' is a literal member of the class, in Go as in .NET.
                if (i + 1 < pattern.Length && pattern[i + 1] == '^')
                {
                    sb.Append(pattern[++i]);
                }
                if (i + 1 < pattern.Length && pattern[i + 1] == ']')
                {
                    sb.Append(pattern[++i]);
                }
                continue;
            }
            if (c == '$')
            {
                sb.Append("\\z");
                continue;
            }
            sb.Append(c);
        }
        return sb.ToString();
    }

    // (?m), (?im), (?m:...), (?sm-i) ...: Go's flag groups that turn multi-line mode on.
    [GeneratedRegex(@"\(\?[imsU]*m[imsU]*(-[imsU]*)?[):]", RegexOptions.CultureInvariant)]
    private static partial Regex MultiLineFlag();
}
