using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using AppKeys.Credentials;
using k8s.Models;

namespace AppKeys.Operator.Testing;

/// <summary>
/// Collects every secret value (consumer secrets, access tokens, signing keys, the opaque tokens' sealing keys) from
/// the Secrets a test sees, and finds them in captured texts, as they are and base64-encoded (a leaked serialized
/// Secret carries its data as base64). A leak is reported by fingerprint, form and place, never by value.
/// </summary>
public sealed class SecretValueCollector
{
    /// <summary>Encoded forms shorter than this are not searched for (too likely to occur by chance).</summary>
    public const int MinimumNeedleLength = 16;

    private readonly ConcurrentDictionary<string, byte> values = new(StringComparer.Ordinal);

    public int Count => values.Count;

    public IReadOnlyCollection<string> Values => [.. values.Keys];

    public static bool IsSecretKey(string key) =>
        key is "accessToken" or "consumerSecret" or "previousConsumerSecret"
        || key.EndsWith(".consumerSecret", StringComparison.Ordinal)
        || key.EndsWith(".previousConsumerSecret", StringComparison.Ordinal)
        || key.EndsWith(".pem", StringComparison.Ordinal)
        || key == "tls.key";

    /// <summary>Whether <paramref name="key"/> of Secret <paramref name="secretName"/> holds a binary key (the sealing keys of opaque tokens).</summary>
    public static bool IsBinaryKey(string? secretName, string key) =>
        secretName == Operator.KeyManager.TokenKeyStore.SecretName && key.StartsWith("k-", StringComparison.Ordinal);

    public void Add(V1Secret? secret)
    {
        foreach (var (key, value) in secret?.Data ?? new Dictionary<string, byte[]>())
        {
            if (value is not { Length: > 0 })
            {
                continue;
            }

            if (IsBinaryKey(secret!.Metadata?.Name, key))
            {
                AddBinary(value);
            }
            else if (IsSecretKey(key))
            {
                Add(Encoding.UTF8.GetString(value));
            }
        }
    }

    /// <summary>A binary key leaks as text only encoded: base64 (as a serialized Secret carries each value) or hex.</summary>
    public void AddBinary(byte[] value)
    {
        ArgumentNullException.ThrowIfNull(value);
        values.TryAdd(Convert.ToBase64String(value), 0);
        values.TryAdd(Convert.ToHexStringLower(value), 0);
        values.TryAdd(Convert.ToHexString(value), 0);
    }

    public void Add(string value)
    {
        values.TryAdd(value, 0);

        // A PEM key leaks as its base64 body lines as well; each long line is a value of its own, unless it holds only
        // public key bytes: a private key's encoding carries its public key, which certificates and the JWKS publish
        // (a line of an EC key's PKCS#8 can appear as is in the CA certificate of the same key).
        if (value.StartsWith("-----BEGIN", StringComparison.Ordinal))
        {
            var publicKey = PublicKeyOf(value);
            foreach (var line in value.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (line.Length >= 40 && !line.StartsWith("-----", StringComparison.Ordinal) && !IsPublicOnly(line, publicKey))
                {
                    values.TryAdd(line, 0);
                }
            }
        }
    }

    /// <summary>The SubjectPublicKeyInfo of a PEM private key (EC or RSA); empty for anything else.</summary>
    private static byte[] PublicKeyOf(string pem)
    {
        try
        {
            using var ec = ECDsa.Create();
            ec.ImportFromPem(pem);
            return ec.ExportSubjectPublicKeyInfo();
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
        }

        try
        {
            using var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            return rsa.ExportSubjectPublicKeyInfo();
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            return [];
        }
    }

    /// <summary>Whether the bytes a PEM body line encodes all lie within <paramref name="publicKey"/>.</summary>
    private static bool IsPublicOnly(string line, byte[] publicKey)
    {
        var bytes = new byte[line.Length];
        return publicKey.Length > 0
            && Convert.TryFromBase64String(line, bytes, out var written)
            && publicKey.AsSpan().IndexOf(bytes.AsSpan(0, written)) >= 0;
    }

    /// <summary>
    /// The texts a value can leak as: itself, and its base64 and base64url encodings at each of the three byte
    /// alignments it can have inside a longer encoded blob (only the characters that depend on the value alone).
    /// </summary>
    public static IEnumerable<(string Form, string Text)> Forms(string value)
    {
        yield return ("as is", value);
        var bytes = Encoding.UTF8.GetBytes(value);
        for (var shift = 0; shift < 3; shift++)
        {
            var shifted = new byte[shift + bytes.Length];
            bytes.CopyTo(shifted, shift);
            var encoded = Convert.ToBase64String(shifted);

            // Character k holds bits [6k, 6k + 6) of the input: keep those that hold only the value's bits.
            var first = ((8 * shift) + 5) / 6;
            var end = 8 * shifted.Length / 6;
            if (end - first < MinimumNeedleLength)
            {
                continue;
            }

            var standard = encoded[first..end];
            yield return ($"base64 (offset {shift})", standard);
            var url = standard.Replace('+', '-').Replace('/', '_');
            if (url != standard)
            {
                yield return ($"base64url (offset {shift})", url);
            }
        }
    }

    /// <summary>Where each collected value appears among <paramref name="texts"/>, one line per value, form and place.</summary>
    public IReadOnlyList<string> FindIn(IEnumerable<(string Where, string Text)> texts)
    {
        var needles = new Dictionary<string, List<(string Value, string Form)>>(StringComparer.Ordinal);
        foreach (var value in values.Keys)
        {
            foreach (var (form, text) in Forms(value))
            {
                if (text.Length >= MinimumNeedleLength)
                {
                    (needles.TryGetValue(text, out var owners) ? owners : needles[text] = []).Add((value, form));
                }
            }
        }

        var leaks = new SortedSet<string>(StringComparer.Ordinal);
        if (needles.Count == 0)
        {
            return [];
        }

        // One vectorized multi-string search per text instead of one pass per value: the chaos test scans thousands
        // of values over a large log. A hit is then matched against the needles, which only happens on a leak.
        var search = SearchValues.Create([.. needles.Keys], StringComparison.Ordinal);
        foreach (var (where, text) in texts)
        {
            var rest = text.AsSpan();
            for (var at = rest.IndexOfAny(search); at >= 0; at = rest.IndexOfAny(search))
            {
                rest = rest[at..];
                foreach (var (needle, owners) in needles)
                {
                    if (rest.StartsWith(needle, StringComparison.Ordinal))
                    {
                        foreach (var (value, form) in owners)
                        {
                            leaks.Add($"a secret value ({TokenFingerprint.Compute(value)}) appears {form} in {where}");
                        }
                    }
                }

                rest = rest[1..];
            }
        }

        return [.. leaks];
    }
}
