using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using AppKeys.Operator.Apis;

namespace AppKeys.Operator.KeyManager;

/// <summary>
/// Sealed opaque tokens (docs/key-manager.md): a version prefix + base64url(key id | nonce | AES-256-GCM(claims) | tag),
/// the prefix and key id authenticated as associated data. <c>ak1.</c> seals the claims of a token-endpoint token;
/// <c>ak2.</c> the same claims and the uid of the ApplicationKey the token was issued for. Both open. Pure: no time,
/// no I/O; randomness from <see cref="RandomNumberGenerator"/>.
/// </summary>
public static class SealedTokenFormat
{
    /// <summary>The prefix of a token bound to no ApplicationKey (token endpoint; key tokens sealed before binding).</summary>
    public const string Prefix = "ak1.";

    /// <summary>The prefix of a token bound to an ApplicationKey by its uid.</summary>
    public const string KeyBoundPrefix = "ak2.";

    private const int IdBytes = 4;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private const int MaxTokenLength = 4096;
    private const int MaxKeyUidLength = byte.MaxValue;
    private static readonly byte[] PrefixBytes = Encoding.ASCII.GetBytes(Prefix);
    private static readonly byte[] KeyBoundPrefixBytes = Encoding.ASCII.GetBytes(KeyBoundPrefix);

    /// <summary>True when <paramref name="token"/> looks like a sealed token of either version (it may still not open).</summary>
    public static bool HasPrefix(string token) =>
        token.StartsWith(Prefix, StringComparison.Ordinal) || token.StartsWith(KeyBoundPrefix, StringComparison.Ordinal);

    public static string NewTokenId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static string Seal(SealedTokenClaims claims, TokenKeyRing keys)
    {
        ArgumentNullException.ThrowIfNull(claims);
        ArgumentNullException.ThrowIfNull(keys);
        var (prefix, prefixBytes) = claims.KeyUid is null ? (Prefix, PrefixBytes) : (KeyBoundPrefix, KeyBoundPrefixBytes);
        var plain = Encode(claims);
        var sealedBytes = new byte[IdBytes + NonceBytes + plain.Length + TagBytes];
        var span = sealedBytes.AsSpan();
        BinaryPrimitives.WriteUInt32BigEndian(span, keys.PrimaryId);
        var nonce = span.Slice(IdBytes, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(keys.Primary, TagBytes);
        aes.Encrypt(nonce, plain, span.Slice(IdBytes + NonceBytes, plain.Length), span[^TagBytes..], Aad(prefixBytes, span[..IdBytes]));
        return prefix + Base64Url.EncodeToString(sealedBytes);
    }

    /// <summary>The claims of <paramref name="token"/>, or null when it is not a token sealed under one of <paramref name="keys"/>.</summary>
    public static SealedTokenClaims? TryOpen(string token, TokenKeyRing keys)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(keys);
        var keyBound = token.StartsWith(KeyBoundPrefix, StringComparison.Ordinal);
        if (!(keyBound || token.StartsWith(Prefix, StringComparison.Ordinal)) || token.Length > MaxTokenLength)
        {
            return null;
        }

        // The version is authenticated (associated data): an ak2. token relabelled ak1. (or back) does not open.
        var prefix = keyBound ? KeyBoundPrefixBytes : PrefixBytes;

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
            aes.Decrypt(span.Slice(IdBytes, NonceBytes), cipher, span[^TagBytes..], plain, Aad(prefix, span[..IdBytes]));
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }

        return Decode(plain, keyBound);
    }

    private static byte[] Aad(byte[] prefix, ReadOnlySpan<byte> id) => [.. prefix, .. id];

    // Layout: iat (8) | exp (8, 0 = never) | jti (16) | key type (1: 0 Production, 1 Sandbox) |
    // consumer key length (1) + ASCII | scopes length (2) + UTF-8, space separated;
    // ak2. only: key uid length (1, at least 1) + ASCII.
    private static byte[] Encode(SealedTokenClaims c)
    {
        var jti = Convert.FromHexString(c.TokenId);
        var consumerKey = Encoding.ASCII.GetBytes(c.ConsumerKey);
        var scopes = Encoding.UTF8.GetBytes(string.Join(' ', c.Scopes));
        var keyUid = c.KeyUid is { } uid ? Encoding.ASCII.GetBytes(uid) : null;
        if (jti.Length != 16 || consumerKey.Length > byte.MaxValue || scopes.Length > ushort.MaxValue
            || (c.KeyUid is { } u && (u.Length is 0 or > MaxKeyUidLength || !Ascii.IsValid(u))))
        {
            throw new ArgumentException("Token claims out of range.", nameof(c));
        }

        var buffer = new byte[8 + 8 + 16 + 1 + 1 + consumerKey.Length + 2 + scopes.Length + (keyUid is null ? 0 : 1 + keyUid.Length)];
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
        if (keyUid is not null)
        {
            at += 2 + scopes.Length;
            span[at] = (byte)keyUid.Length;
            keyUid.CopyTo(span[(at + 1)..]);
        }

        return buffer;
    }

    private static SealedTokenClaims? Decode(ReadOnlySpan<byte> p, bool keyBound)
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
        var end = at + 2 + scopesLength;
        string? keyUid = null;
        if (keyBound)
        {
            if (p.Length <= end || p[end] == 0 || p.Length != end + 1 + p[end] || !Ascii.IsValid(p.Slice(end + 1, p[end])))
            {
                return null;
            }

            keyUid = Encoding.ASCII.GetString(p.Slice(end + 1, p[end]));
        }
        else if (p.Length != end)
        {
            return null;
        }

        var scopes = Encoding.UTF8.GetString(p.Slice(at + 2, scopesLength)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return new SealedTokenClaims(jti, consumerKey, keyType, scopes, DateTimeOffset.FromUnixTimeSeconds(iat), exp == 0 ? null : DateTimeOffset.FromUnixTimeSeconds(exp), keyUid);
    }
}
