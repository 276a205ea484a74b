using System.Globalization;
using System.Text.RegularExpressions;

namespace AppKeys.LocalApiServer.Discovery;

/// <summary>
/// apimachinery <c>pkg/version/helpers.go CompareKubeAwareVersionStrings</c>: GA before beta before alpha,
/// higher numbers first, then versions that don't look like kube versions in lexical order.
/// </summary>
public static partial class KubeVersion
{
    /// <summary>The kube-apiserver release this server answers as (<c>/version</c>, <c>/openapi/v2</c> info).</summary>
    public const string GitVersion = "v1.32.4";

    [GeneratedRegex("^v([1-9][0-9]*)(?:(alpha|beta)([1-9][0-9]*))?\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    /// <summary>Negative when <paramref name="a"/> has higher priority (sorts first).</summary>
    public static int ComparePriority(string a, string b)
    {
        var (ka, ma, ta, na) = Parse(a);
        var (kb, mb, tb, nb) = Parse(b);
        if (ka != kb)
        {
            return ka ? -1 : 1;
        }

        if (!ka)
        {
            return string.CompareOrdinal(a, b);
        }

        if (ta != tb)
        {
            return tb.CompareTo(ta);
        }

        if (ma != mb)
        {
            return mb.CompareTo(ma);
        }

        return nb.CompareTo(na);
    }

    private static (bool KubeLike, long Major, int Type, long Minor) Parse(string v)
    {
        var m = Pattern().Match(v);
        if (!m.Success)
        {
            return (false, 0, 0, 0);
        }

        var major = long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        var type = m.Groups[2].Value switch
        {
            "alpha" => 0,
            "beta" => 1,
            _ => 2,
        };
        var minor = m.Groups[3].Success ? long.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) : 0;
        return (true, major, type, minor);
    }
}
