using System.Text.RegularExpressions;

namespace AppKeys.LocalApiServer.Admission;

/// <summary>Object name rules (apimachinery <c>pkg/util/validation/validation.go</c> messages).</summary>
public static partial class NameValidation
{
    public const string SubdomainMessage =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

    public const string LabelMessage =
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

    public const string Dns1035Message =
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

    /// <summary>The problems of <paramref name="name"/> for a kind using <paramref name="rule"/>; empty when valid.</summary>
    public static List<string> Check(string name, NameRule rule)
    {
        var problems = new List<string>();
        switch (rule)
        {
            case NameRule.Dns1123Label:
                if (name.Length > 63)
                {
                    problems.Add("must be no more than 63 characters");
                }
                if (!Label().IsMatch(name))
                {
                    problems.Add(LabelMessage);
                }
                break;
            case NameRule.Dns1035Label:
                if (name.Length > 63)
                {
                    problems.Add("must be no more than 63 characters");
                }
                if (!Dns1035().IsMatch(name))
                {
                    problems.Add(Dns1035Message);
                }
                break;
            case NameRule.PathSegment:
                if (name is "." or "..")
                {
                    problems.Add($"may not be '{name}'");
                }
                foreach (var bad in new[] { "/", "%" })
                {
                    if (name.Contains(bad, StringComparison.Ordinal))
                    {
                        problems.Add($"may not contain '{bad}'");
                    }
                }
                break;
            default:
                if (name.Length > 253)
                {
                    problems.Add("must be no more than 253 characters");
                }
                if (!Subdomain().IsMatch(name))
                {
                    problems.Add(SubdomainMessage);
                }
                break;
        }
        return problems;
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\\z")]
    private static partial Regex Subdomain();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?\\z")]
    private static partial Regex Label();

    [GeneratedRegex("^[a-z]([-a-z0-9]*[a-z0-9])?\\z")]
    private static partial Regex Dns1035();
}
