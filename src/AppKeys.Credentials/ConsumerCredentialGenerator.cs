using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;

namespace AppKeys.Credentials;

/// <summary>
/// Generates consumer keys and secrets from the operating system CSPRNG (<see cref="RandomNumberGenerator"/>).
/// </summary>
public static class ConsumerCredentialGenerator
{
    /// <summary>
    /// Alphabet of consumer keys, WSO2's format: <c>[A-Za-z0-9_]</c> (63 symbols, URL-safe without escaping).
    /// </summary>
    public const string ConsumerKeyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_";

    /// <summary>Consumer key length: 28 characters, as WSO2 issues them (28 × log2(63) ≈ 167 bits).</summary>
    public const int ConsumerKeyLength = 28;

    /// <summary>Random bytes in a consumer secret (256 bits).</summary>
    public const int ConsumerSecretBytes = 32;

    /// <summary>Consumer secret length: unpadded base64url of <see cref="ConsumerSecretBytes"/> bytes.</summary>
    public const int ConsumerSecretLength = 43;

    private static readonly SearchValues<char> ConsumerKeyChars = SearchValues.Create(ConsumerKeyAlphabet);
    private static readonly SearchValues<char> Base64UrlChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    /// <summary>A new consumer key and consumer secret.</summary>
    public static ConsumerCredentials Generate() => new(GenerateConsumerKey(), GenerateConsumerSecret());

    /// <summary>
    /// A new consumer key: <see cref="ConsumerKeyLength"/> characters drawn uniformly from
    /// <see cref="ConsumerKeyAlphabet"/> (<see cref="RandomNumberGenerator.GetString"/> rejects out-of-range draws,
    /// so there is no modulo bias).
    /// </summary>
    public static string GenerateConsumerKey() =>
        RandomNumberGenerator.GetString(ConsumerKeyAlphabet, ConsumerKeyLength);

    /// <summary>A new consumer secret: 256 random bits as 43 unpadded base64url characters.</summary>
    public static SecretValue GenerateConsumerSecret() => new(RandomBase64Url(ConsumerSecretBytes));

    /// <summary>
    /// True when <paramref name="consumerKey"/> has the generated format (exactly 28 characters of
    /// <see cref="ConsumerKeyAlphabet"/>); used to check keys restored or adopted from an existing Secret.
    /// </summary>
    public static bool IsWellFormedConsumerKey(string? consumerKey) =>
        consumerKey is { Length: ConsumerKeyLength } && consumerKey.AsSpan().IndexOfAnyExcept(ConsumerKeyChars) < 0;

    /// <summary>
    /// True when <paramref name="consumerSecret"/> is unpadded base64url carrying at least 256 bits (43 characters or
    /// more). Does not reveal anything through exceptions.
    /// </summary>
    public static bool IsWellFormedConsumerSecret(string? consumerSecret) =>
        consumerSecret is { Length: >= ConsumerSecretLength } && IsBase64UrlAlphabet(consumerSecret);

    internal static string RandomBase64Url(int byteCount)
    {
        Span<byte> bytes = stackalloc byte[byteCount];
        RandomNumberGenerator.Fill(bytes);
        try
        {
            return Base64Url.EncodeToString(bytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    private static bool IsBase64UrlAlphabet(string value) =>
        value.AsSpan().IndexOfAnyExcept(Base64UrlChars) < 0;
}
