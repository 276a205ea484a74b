using System.Collections.Concurrent;
using System.Text;
using AppKeys.Credentials;
using k8s.Models;

namespace AppKeys.Operator.Tests.TestSupport;

/// <summary>
/// Collects every secret value (consumer secrets, access tokens, signing keys) from the Secrets a test sees, and finds
/// them in captured texts. A leak is reported by fingerprint and place, never by value.
/// </summary>
internal sealed class SecretValueCollector
{
    private readonly ConcurrentDictionary<string, byte> values = new(StringComparer.Ordinal);

    public int Count => values.Count;

    public IReadOnlyCollection<string> Values => [.. values.Keys];

    public static bool IsSecretKey(string key) =>
        key is "accessToken" or "consumerSecret" or "previousConsumerSecret"
        || key.EndsWith(".consumerSecret", StringComparison.Ordinal)
        || key.EndsWith(".previousConsumerSecret", StringComparison.Ordinal)
        || key.EndsWith(".pem", StringComparison.Ordinal);

    public void Add(V1Secret? secret)
    {
        foreach (var (key, value) in secret?.Data ?? new Dictionary<string, byte[]>())
        {
            if (IsSecretKey(key) && value is { Length: > 0 })
            {
                Add(Encoding.UTF8.GetString(value));
            }
        }
    }

    public void Add(string value)
    {
        values.TryAdd(value, 0);

        // A PEM key leaks as its base64 body lines as well; each long line is a value of its own.
        if (value.StartsWith("-----BEGIN", StringComparison.Ordinal))
        {
            foreach (var line in value.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (line.Length >= 40 && !line.StartsWith("-----", StringComparison.Ordinal))
                {
                    values.TryAdd(line, 0);
                }
            }
        }
    }

    /// <summary>Where each collected value appears among <paramref name="texts"/>.</summary>
    public IReadOnlyList<string> FindIn(IEnumerable<(string Where, string Text)> texts)
    {
        var all = texts.ToList();
        var leaks = new List<string>();
        foreach (var value in values.Keys)
        {
            foreach (var where in all.Where(t => t.Text.Contains(value, StringComparison.Ordinal)).Select(t => t.Where).Distinct())
            {
                leaks.Add($"a secret value ({TokenFingerprint.Compute(value)}) appears in {where}");
            }
        }

        return leaks;
    }
}
