using System.Security.Cryptography;

namespace AppKeys.Operator.KeyManager;

/// <summary>
/// The AES-256 keys that seal opaque tokens: the newest seals, every key opens. Keys are identified inside a token by
/// the first 4 bytes of their SHA-256 (not secret: a hash of 256 random bits).
/// </summary>
public sealed class TokenKeyRing
{
    public const int KeyBytes = 32;

    private readonly Dictionary<uint, byte[]> byId;

    /// <param name="keys">Named keys; the greatest name (ordinal) seals (names are <c>k-&lt;unix seconds&gt;</c>).</param>
    public TokenKeyRing(IEnumerable<KeyValuePair<string, byte[]>> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var valid = keys.Where(k => k.Value is { Length: KeyBytes }).OrderBy(k => k.Key, StringComparer.Ordinal).ToList();
        if (valid.Count == 0)
        {
            throw new ArgumentException("A token key ring needs at least one 32-byte key.", nameof(keys));
        }

        byId = [];
        foreach (var (_, key) in valid)
        {
            byId[IdOf(key)] = key;
        }

        Primary = valid[^1].Value;
        PrimaryId = IdOf(Primary);
        Count = byId.Count;
    }

    /// <summary>The key that seals new tokens.</summary>
    internal byte[] Primary { get; }

    internal uint PrimaryId { get; }

    public int Count { get; }

    internal byte[]? Find(uint id) => byId.GetValueOrDefault(id);

    public static byte[] NewKey() => RandomNumberGenerator.GetBytes(KeyBytes);

    internal static uint IdOf(ReadOnlySpan<byte> key)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(key, hash);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(hash);
    }
}
