using System.Text.RegularExpressions;

namespace AppKeys.Operator.Controllers;

/// <summary>Kubernetes object names (DNS-1123 subdomains).</summary>
public static partial class ObjectNames
{
    public static bool IsValid(string? name) => name is { Length: > 0 and <= 253 } && NameRegex().IsMatch(name);

    [GeneratedRegex(Apis.AppKeysApi.DnsSubdomainDotNetPattern)]
    private static partial Regex NameRegex();
}
