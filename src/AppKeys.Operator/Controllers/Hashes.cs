using System.Security.Cryptography;
using System.Text;
using AppKeys.Credentials;

namespace AppKeys.Operator.Controllers;

/// <summary>
/// SHA-256 digests the operator keeps in annotations to notice changes later: of request annotations, of the inputs a
/// token was issued from, and of a Secret's data (tamper detection). Digests of 256-bit random values reveal nothing.
/// </summary>
public static class Hashes
{
    public const string Prefix = "sha256:";

    /// <summary>Digest of one string.</summary>
    public static string Of(string value) => Prefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    /// <summary>Digest of an ordered list of fields; each is length-prefixed so no two lists share a digest.</summary>
    public static string OfFields(IEnumerable<string?> fields)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var field in fields)
        {
            var bytes = Encoding.UTF8.GetBytes(field ?? "");
            hash.AppendData(Encoding.ASCII.GetBytes($"{(field is null ? -1 : bytes.Length)}:"));
            hash.AppendData(bytes);
        }

        return Prefix + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Digest of a Secret's data, independent of key order.</summary>
    public static string OfSecretData(IDictionary<string, byte[]>? data)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (key, value) in (data ?? new Dictionary<string, byte[]>()).OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.ASCII.GetBytes($"{key.Length}:{key}{value?.Length ?? 0}:"));
            hash.AppendData(value ?? []);
        }

        return Prefix + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Constant-time equality of two digests (or of any two strings).</summary>
    public static bool Equal(string? a, string? b) => a is not null && b is not null && SecretComparer.FixedTimeEquals(a, b);
}
