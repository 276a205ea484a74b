using System.Text;
using System.Text.RegularExpressions;

namespace AppKeys.Operator.Controllers;

/// <summary>
/// Kubernetes' rules for label and annotation keys and values (apimachinery validation): what the API server would
/// refuse on a Secret is refused earlier, as InvalidSpec, instead of failing every write.
/// </summary>
public static partial class MetadataRules
{
    /// <summary>Longest label value, and longest name part of a label or annotation key.</summary>
    public const int MaxLabelValueLength = 63;

    /// <summary>Total size of all annotations of an object (keys plus values, in bytes).</summary>
    public const int MaxAnnotationsBytes = 256 * 1024;

    /// <summary>A qualified name: an optional DNS-1123 subdomain prefix and '/', then a name of at most 63 characters.</summary>
    public static bool IsQualifiedName(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var name = slash < 0 ? key : key[(slash + 1)..];
        if (slash >= 0 && !ObjectNames.IsValid(key[..slash]))
        {
            return false;
        }

        return name.Length is > 0 and <= MaxLabelValueLength && NamePart().IsMatch(name);
    }

    public static bool IsLabelValue(string value) => value.Length <= MaxLabelValueLength && (value.Length == 0 || NamePart().IsMatch(value));

    public static long AnnotationsBytes(IEnumerable<KeyValuePair<string, string>> annotations) =>
        annotations.Sum(a => (long)Encoding.UTF8.GetByteCount(a.Key) + Encoding.UTF8.GetByteCount(a.Value));

    [GeneratedRegex(@"^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?\z")]
    private static partial Regex NamePart();
}
