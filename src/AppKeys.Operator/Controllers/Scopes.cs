using System.Text.RegularExpressions;

namespace AppKeys.Operator.Controllers;

/// <summary>OAuth 2.0 scope tokens (RFC 6749 §3.3).</summary>
public static partial class Scopes
{
    public static bool IsValid(string? scope) => scope is { Length: > 0 and <= 256 } && ScopeRegex().IsMatch(scope);

    /// <summary>Sorted, without duplicates: the canonical form stored and compared.</summary>
    public static IReadOnlyList<string> Normalize(IEnumerable<string>? scopes) =>
        [.. (scopes ?? []).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>Space-separated, as in the JWT <c>scope</c> claim.</summary>
    public static string Join(IEnumerable<string> scopes) => string.Join(' ', scopes);

    public static IReadOnlyList<string> Split(string? value) =>
        [.. (value ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)];

    [GeneratedRegex(Apis.AppKeysApi.ScopeDotNetPattern)]
    private static partial Regex ScopeRegex();
}
