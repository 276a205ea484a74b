using System.Security.Cryptography;
using System.Text;

namespace AppKeys.Credentials;

/// <summary>
/// Short, non-reversible identifiers for secret values (tokens, consumer secrets) that may appear in status, events
/// and logs: <c>sha256:</c> followed by the first 16 lowercase hex digits (64 bits) of the SHA-256 of the UTF-8 value.
/// 64 bits tell two values apart in practice while revealing nothing useful about a 256-bit random secret.
/// </summary>
public static class TokenFingerprint
{
    /// <summary>The prefix naming the hash function.</summary>
    public const string Prefix = "sha256:";

    /// <summary>Number of hex digits after <see cref="Prefix"/>.</summary>
    public const int HexLength = 16;

    /// <summary>The fingerprint of <paramref name="token"/>.</summary>
    public static string Compute(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var bytes = Encoding.UTF8.GetBytes(token);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(bytes, hash);
        CryptographicOperations.ZeroMemory(bytes);
        return Prefix + Convert.ToHexStringLower(hash[..(HexLength / 2)]);
    }

    /// <summary>The fingerprint of a secret value.</summary>
    public static string Compute(SecretValue secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return Compute(secret.Reveal());
    }
}
