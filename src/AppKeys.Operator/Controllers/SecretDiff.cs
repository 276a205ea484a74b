using System.Security.Cryptography;

namespace AppKeys.Operator.Controllers;

/// <summary>Comparisons of Secret content, so unchanged Secrets are never written (data in constant time: it holds secrets).</summary>
public static class SecretDiff
{
    public static bool SameData(IDictionary<string, byte[]>? a, IDictionary<string, byte[]>? b)
    {
        a ??= new Dictionary<string, byte[]>();
        b ??= new Dictionary<string, byte[]>();
        return a.Count == b.Count
            && a.All(e => b.TryGetValue(e.Key, out var other) && CryptographicOperations.FixedTimeEquals(e.Value ?? [], other ?? []));
    }

    /// <summary>True when both maps have the same entries (null and empty are the same).</summary>
    public static bool SameMap(IDictionary<string, string>? a, IDictionary<string, string>? b) =>
        (a?.Count ?? 0) == (b?.Count ?? 0) && Contains(a, b);

    /// <summary>True when every entry of <paramref name="expected"/> is in <paramref name="actual"/> with the same value.</summary>
    public static bool Contains(IDictionary<string, string>? actual, IDictionary<string, string>? expected) =>
        (expected ?? new Dictionary<string, string>()).All(e => actual is not null && actual.TryGetValue(e.Key, out var v) && v == e.Value);
}
