using System.Security.Cryptography;
using System.Text;

namespace AppKeys.Credentials;

/// <summary>Comparison of secrets whose duration does not depend on where the inputs differ.</summary>
public static class SecretComparer
{
    /// <summary>
    /// True when <paramref name="a"/> and <paramref name="b"/> are equal. Both are hashed with SHA-256 first so that
    /// neither the position of the first difference nor a length difference shows in the timing.
    /// </summary>
    public static bool FixedTimeEquals(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        Span<byte> hashA = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> hashB = stackalloc byte[SHA256.HashSizeInBytes];
        HashUtf8(a, hashA);
        HashUtf8(b, hashB);
        // The hashes decide equality only together with the exact comparison below; a SHA-256 collision is not a concern.
        return CryptographicOperations.FixedTimeEquals(hashA, hashB);
    }

    /// <summary>Constant-time comparison of two secret values.</summary>
    public static bool FixedTimeEquals(SecretValue a, SecretValue b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return FixedTimeEquals(a.Reveal(), b.Reveal());
    }

    private static void HashUtf8(string value, Span<byte> destination)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        try
        {
            SHA256.HashData(bytes, destination);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }
}
