using System.Text;
using System.Text.RegularExpressions;

namespace AppKeys.Credentials.Tests.Guards;

/// <summary>
/// Reads the C# sources under <c>src/</c> for the source guards, and finds in them the two things secret material
/// must never meet: a comparison whose time depends on where two secrets differ.
/// Comments and string literals are blanked first, so prose and messages never count.
/// </summary>
internal static partial class SourceCode
{
    /// <summary>An identifier naming secret material (or a hash of it, which is compared through the same helper).</summary>
    [GeneratedRegex("secret|token|password|fingerprint|pem|privatekey|credential|hash|digest|reveal", RegexOptions.IgnoreCase)]
    private static partial Regex SecretNamed();

    /// <summary>Identifiers that name something about a secret that is not secret: its kind, name, id, size, or a cancellation token.</summary>
    [GeneratedRegex("(type|types|kind|name|names|id|ids|count|length|size|requested|algorithm|cancellationtoken|tokensource)$", RegexOptions.IgnoreCase)]
    private static partial Regex NotSecretValue();

    /// <summary>
    /// An operand: a member-access chain such as <c>a.b?.c</c> or <c>a.Reveal()</c> (its last identifier captured), or
    /// the start of a literal (a quote or a digit), which is a constant.
    /// </summary>
    private const string Operand = @"(?:(?<literal{0}>[""'\d])|(?:@?[A-Za-z_]\w*\s*(?:\(\s*\))?\s*\??\.\s*)*@?(?<last{0}>[A-Za-z_]\w*)\s*(?:\(\s*\))?)";

    private static readonly string A = Operand.Replace("{0}", "A", StringComparison.Ordinal);
    private static readonly string B = Operand.Replace("{0}", "B", StringComparison.Ordinal);

    // The left operand may end in a call with arguments, which the pattern does not read back: then only the right one counts.
    private static readonly Regex BinaryComparison = new($@"{A}?\s*(?:==|!=)\s*{B}?", RegexOptions.Compiled);

    private static readonly Regex MethodComparison = new($@"{A}\s*\??\.\s*(?:Equals|SequenceEqual|CompareTo)\s*\(\s*{B}?", RegexOptions.Compiled);

    private static readonly Regex StaticComparison = new(
        $@"\b(?:string|String|object|Object|MemoryExtensions|Enumerable)\s*\.\s*(?:Equals|Compare|CompareOrdinal|SequenceEqual)\s*\(\s*{A}?[^,()]*,\s*{B}?",
        RegexOptions.Compiled);

    /// <summary>Every <c>.cs</c> file under <c>src/</c> (build output excluded), as a path relative to the repository root.</summary>
    public static IReadOnlyList<string> SourceFiles() =>
        [.. Directory.EnumerateFiles(RepositoryRoot.Combine("src"), "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(RepositoryRoot.Path, f).Replace('\\', '/'))
            .Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)];

    public static string Read(string relativePath) => File.ReadAllText(RepositoryRoot.Combine(relativePath));

    /// <summary>
    /// Lines (1-based) of <paramref name="code"/> comparing a value named like a secret, token, fingerprint or hash with
    /// <c>==</c>, <c>!=</c>, <c>Equals</c>, <c>string.Equals</c>, <c>CompareTo</c> or <c>SequenceEqual</c>. Comparisons with
    /// a constant (<c>null</c>, <c>default</c>, a number, a boolean) reveal nothing and are not reported.
    /// </summary>
    public static IReadOnlyList<int> SecretComparisons(string code)
    {
        var stripped = WithoutCommentsAndStrings(code);
        return Lines(stripped, text => BinaryComparison.Matches(text).Concat(MethodComparison.Matches(text)).Concat(StaticComparison.Matches(text)), m => IsSecretComparison(m));
    }

    /// <summary><paramref name="code"/> with comments and the contents of string and character literals blanked (line breaks kept).</summary>
    public static string WithoutCommentsAndStrings(string code)
    {
        var result = new StringBuilder(code.Length);
        var i = 0;
        while (i < code.Length)
        {
            var c = code[i];
            var next = i + 1 < code.Length ? code[i + 1] : '\0';
            if (c == '/' && next == '/')
            {
                i = Blank(code, i, code.IndexOf('\n', i) is var end and >= 0 ? end : code.Length, result);
            }
            else if (c == '/' && next == '*')
            {
                i = Blank(code, i, code.IndexOf("*/", i + 2, StringComparison.Ordinal) is var end and >= 0 ? end + 2 : code.Length, result);
            }
            else if (c == '"' && code.AsSpan(i).StartsWith("\"\"\""))
            {
                var quotes = code.AsSpan(i).IndexOfAnyExcept('"');
                var close = code.IndexOf(new string('"', quotes), i + quotes, StringComparison.Ordinal);
                i = Literal(code, i, close < 0 ? code.Length : close + quotes, result);
            }
            else if (c == '"')
            {
                var verbatim = (i > 0 && code[i - 1] == '@') || (i > 1 && code[i - 1] == '$' && code[i - 2] == '@');
                var j = i + 1;
                while (j < code.Length && code[j] != '\n')
                {
                    if (code[j] == '"' && verbatim && j + 1 < code.Length && code[j + 1] == '"')
                    {
                        j += 2;
                    }
                    else if (code[j] == '\\' && !verbatim)
                    {
                        j += 2;
                    }
                    else if (code[j] == '"')
                    {
                        break;
                    }
                    else
                    {
                        j++;
                    }
                }

                i = Literal(code, i, Math.Min(j + 1, code.Length), result);
            }
            else if (c == '\'')
            {
                var close = code.IndexOf('\'', next == '\\' ? i + 3 : i + 2);
                i = Literal(code, i, close < 0 ? code.Length : close + 1, result);
            }
            else
            {
                result.Append(c);
                i++;
            }
        }

        return result.ToString();
    }

    private static bool IsSecretComparison(Match match)
    {
        var a = match.Groups["lastA"];
        var b = match.Groups["lastB"];
        if (IsConstant(match, "A") || IsConstant(match, "B"))
        {
            return false;
        }

        return IsSecretValue(a) || IsSecretValue(b);
    }

    private static bool IsConstant(Match match, string operand) =>
        match.Groups["literal" + operand].Success || match.Groups["last" + operand].Value is "null" or "default" or "true" or "false";

    private static bool IsSecretValue(Group operand) =>
        operand.Success && SecretNamed().IsMatch(operand.Value) && !NotSecretValue().IsMatch(operand.Value);

    private static IReadOnlyList<int> Lines(string code, Func<string, IEnumerable<Match>> find, Func<Match, bool>? keep = null) =>
        [.. find(code).Where(m => keep?.Invoke(m) ?? true).Select(m => LineOf(code, m.Index)).Distinct().Order()];

    private static int LineOf(string code, int index) => code.AsSpan(0, index).Count('\n') + 1;

    private static int Blank(string code, int from, int to, StringBuilder result)
    {
        for (var k = from; k < to; k++)
        {
            result.Append(code[k] == '\n' ? '\n' : ' ');
        }

        return to;
    }

    /// <summary>Keeps the quotes of a literal and blanks what is between them.</summary>
    private static int Literal(string code, int from, int to, StringBuilder result)
    {
        result.Append(code[from]);
        Blank(code, from + 1, Math.Max(from + 1, to - 1), result);
        if (to - 1 > from)
        {
            result.Append(code[to - 1]);
        }

        return to;
    }
}
