using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using AppKeys.Operator.Apis;

namespace AppKeys.Operator.KeyManager;

/// <summary>
/// Sealed opaque tokens (docs/key-manager.md): <c>ak1.</c> + base64url(key id | nonce | AES-256-GCM(claims) | tag),
/// the prefix and key id authenticated as associated data. Pure: no time, no I/O; randomness from
/// <see cref="RandomNumberGenerator"/>.
/// </summary>
public static class SealedTokenFormat
{
    public const string Prefix = "ak1.";
    private const int IdBytes = 4;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private const int MaxTokenLength = 4096;
    private static readonly byte[] PrefixBytes = Encoding.ASCII.GetBytes(Prefix);

    /// <summary>True when <paramref name="token"/> looks like a sealed token (it may still not open).</summary>
    public static bool HasPrefix(string token) => token.StartsWith(Prefix, StringComparison.Ordinal);

    public static string NewTokenId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static string Seal(SealedTokenClaims claims, TokenKeyRing keys)
    {
        ArgumentNullException.ThrowIfNull(claims);
        ArgumentNullException.ThrowIfNull(keys);
        var plain = Encode(claims);
        var sealedBytes = new byte[IdBytes + NonceBytes + plain.Length + TagBytes];
        var span = sealedBytes.AsSpan();
        BinaryPrimitives.WriteUInt32BigEndian(span, keys.PrimaryId);
        var nonce = span.Slice(IdBytes, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(keys.Primary, TagBytes);
        aes.Encrypt(nonce, plain, span.Slice(IdBytes + NonceBytes, plain.Length), span[^TagBytes..], Aad(span[..IdBytes]));
        return Prefix + Base64Url.EncodeToString(sealedBytes);
    }

    /// <summary>The claims of <paramref name="token"/>, or null when it is not a token sealed under one of <paramref name="keys"/>.</summary>
    public static SealedTokenClaims? TryOpen(string token, TokenKeyRing keys)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(keys);
        if (!HasPrefix(token) || token.Length > MaxTokenLength)
        {
            return null;
        }

        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(token.AsSpan(Prefix.Length));
        }
        catch (FormatException)
        {
            return null;
        }

        if (bytes.Length < IdBytes + NonceBytes + TagBytes + 1 || keys.Find(BinaryPrimitives.ReadUInt32BigEndian(bytes)) is not { } key)
        {
            return null;
        }

        var span = bytes.AsSpan();
        var cipher = span[(IdBytes + NonceBytes)..^TagBytes];
        var plain = new byte[cipher.Length];
        try
        {
            using var aes = new AesGcm(key, TagBytes);
            aes.Decrypt(span.Slice(IdBytes, NonceBytes), cipher, span[^TagBytes..], plain, Aad(span[..IdBytes]));
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }

        return Decode(plain);
    }

    private static byte[] Aad(ReadOnlySpan<byte> id) => [.. PrefixBytes, .. id];

    // Layout: iat (8) | exp (8, 0 = never) | jti (16) | key type (1: 0 Production, 1 Sandbox) |
    // consumer key length (1) + ASCII | scopes length (2) + UTF-8, space separated.
    private static byte[] Encode(SealedTokenClaims c)
    {
        var jti = Convert.FromHexString(c.TokenId);
        var consumerKey = Encoding.ASCII.GetBytes(c.ConsumerKey);
        var scopes = Encoding.UTF8.GetBytes(string.Join(' ', c.Scopes));
        if (jti.Length != 16 || consumerKey.Length > byte.MaxValue || scopes.Length > ushort.MaxValue)
        {
            throw new ArgumentException("Token claims out of range.", nameof(c));
        }

        var buffer = new byte[8 + 8 + 16 + 1 + 1 + consumerKey.Length + 2 + scopes.Length];
        var span = buffer.AsSpan();
        BinaryPrimitives.WriteInt64BigEndian(span, c.IssuedAt.ToUnixTimeSeconds());
        BinaryPrimitives.WriteInt64BigEndian(span[8..], c.ExpiresAt?.ToUnixTimeSeconds() ?? 0);
        jti.CopyTo(span[16..]);
        span[32] = c.KeyType == KeyTypes.Sandbox ? (byte)1 : (byte)0;
        span[33] = (byte)consumerKey.Length;
        consumerKey.CopyTo(span[34..]);
        var at = 34 + consumerKey.Length;
        BinaryPrimitives.WriteUInt16BigEndian(span[at..], (ushort)scopes.Length);
        scopes.CopyTo(span[(at + 2)..]);
        return buffer;
    }

    private static SealedTokenClaims? Decode(ReadOnlySpan<byte> p)
    {
        if (p.Length < 36 || p[32] > 1 || p.Length < 36 + p[33])
        {
            return null;
        }

        var iat = BinaryPrimitives.ReadInt64BigEndian(p);
        var exp = BinaryPrimitives.ReadInt64BigEndian(p[8..]);
        var jti = Convert.ToHexStringLower(p.Slice(16, 16));
        var keyType = p[32] == 1 ? KeyTypes.Sandbox : KeyTypes.Production;
        var consumerKey = Encoding.ASCII.GetString(p.Slice(34, p[33]));
        var at = 34 + p[33];
        var scopesLength = BinaryPrimitives.ReadUInt16BigEndian(p[at..]);
        if (p.Length != at + 2 + scopesLength)
        {
            return null;
        }

        var scopes = Encoding.UTF8.GetString(p.Slice(at + 2, scopesLength)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return new SealedTokenClaims(jti, consumerKey, keyType, scopes, DateTimeOffset.FromUnixTimeSeconds(iat), exp == 0 ? null : DateTimeOffset.FromUnixTimeSeconds(exp));
    }
}
