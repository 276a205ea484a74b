using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace AppKeys.Credentials;

/// <summary>
/// A private signing key for JWT access tokens (P-256 for ES256, RSA for RS256) with its stable key id: the RFC 7638
/// JWK thumbprint (SHA-256, base64url), so the same key always has the same <c>kid</c>, whatever process loads it.
/// Stored as PKCS#8 PEM (<see cref="ExportPrivateKeyPem"/>, <see cref="FromPem"/>). Thread-safe for signing.
/// </summary>
public sealed class SigningKeyMaterial : IDisposable
{
    /// <summary>RSA key size used when none is given.</summary>
    public const int DefaultRsaKeySizeBits = 2048;

    private readonly AsymmetricAlgorithm key;

    private SigningKeyMaterial(AsymmetricAlgorithm key, SigningKeyAlgorithm algorithm, DateTimeOffset createdAt)
    {
        this.key = key;
        Algorithm = algorithm;
        CreatedAt = createdAt;
        KeyId = ComputeKeyId();
        SignatureSize = key is ECDsa ? 64 : key.KeySize / 8;
        EncodedJwtHeader = EncodeJwtHeader();
    }

    /// <summary>The JWS algorithm this key signs with.</summary>
    public SigningKeyAlgorithm Algorithm { get; }

    /// <summary>RFC 7518 name of <see cref="Algorithm"/> (<c>ES256</c>, <c>RS256</c>), the JWT header <c>alg</c>.</summary>
    public string AlgorithmName => Algorithm.ToString();

    /// <summary>The RFC 7638 JWK thumbprint (SHA-256, base64url): the JWT header and JWKS <c>kid</c>.</summary>
    public string KeyId { get; }

    /// <summary>When the key was generated (or the time given when it was loaded).</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>Key size in bits (256 for P-256).</summary>
    public int KeySizeBits => key.KeySize;

    /// <summary>Size of a JWS signature in bytes (64 for ES256, the modulus size for RS256).</summary>
    internal int SignatureSize { get; }

    /// <summary>
    /// The JWT header <c>{"alg":…,"kid":…,"typ":"JWT"}</c> as base64url ASCII bytes; computed once since it only
    /// depends on the key.
    /// </summary>
    internal byte[] EncodedJwtHeader { get; }

    /// <summary>Generates a new key; RSA keys get <see cref="DefaultRsaKeySizeBits"/> bits.</summary>
    public static SigningKeyMaterial Generate(SigningKeyAlgorithm algorithm, TimeProvider timeProvider) =>
        Generate(algorithm, timeProvider, DefaultRsaKeySizeBits);

    /// <summary>Generates a new key; <paramref name="rsaKeySizeBits"/> (2048 or 3072) applies to RS256 only.</summary>
    public static SigningKeyMaterial Generate(SigningKeyAlgorithm algorithm, TimeProvider timeProvider, int rsaKeySizeBits)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        AsymmetricAlgorithm key = algorithm switch
        {
            SigningKeyAlgorithm.ES256 => ECDsa.Create(ECCurve.NamedCurves.nistP256),
            SigningKeyAlgorithm.RS256 when rsaKeySizeBits is 2048 or 3072 => RSA.Create(rsaKeySizeBits),
            SigningKeyAlgorithm.RS256 => throw new ArgumentOutOfRangeException(nameof(rsaKeySizeBits), rsaKeySizeBits, "RSA keys must have 2048 or 3072 bits."),
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unknown signing key algorithm."),
        };
        return new SigningKeyMaterial(key, algorithm, timeProvider.GetUtcNow());
    }

    /// <summary>
    /// Loads a private key from PEM: PKCS#8 (<c>PRIVATE KEY</c>), or the legacy <c>EC PRIVATE KEY</c> /
    /// <c>RSA PRIVATE KEY</c> forms. P-256 keys become ES256, RSA keys of 2048 bits or more RS256.
    /// </summary>
    /// <exception cref="FormatException">The text is not such a key (the message never contains key material).</exception>
    public static SigningKeyMaterial FromPem(string privateKeyPem, DateTimeOffset createdAt)
    {
        ArgumentNullException.ThrowIfNull(privateKeyPem);
        var pem = privateKeyPem.AsSpan();
        if (!PemEncoding.TryFind(pem, out var fields))
        {
            throw new FormatException("The signing key is not PEM encoded.");
        }

        var label = pem[fields.Label];
        var tryEc = label is "PRIVATE KEY" or "EC PRIVATE KEY";
        var tryRsa = label is "PRIVATE KEY" or "RSA PRIVATE KEY";
        if (tryEc && TryImport(ECDsa.Create(), pem) is ECDsa ecdsa)
        {
            var parameters = ecdsa.ExportParameters(false);
            if (parameters.Curve.Oid?.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
            {
                ecdsa.Dispose();
                throw new FormatException("The EC signing key is not on curve P-256 (ES256).");
            }

            return new SigningKeyMaterial(ecdsa, SigningKeyAlgorithm.ES256, createdAt);
        }

        if (tryRsa && TryImport(RSA.Create(), pem) is RSA rsa)
        {
            if (rsa.KeySize < 2048)
            {
                rsa.Dispose();
                throw new FormatException("The RSA signing key is shorter than 2048 bits.");
            }

            return new SigningKeyMaterial(rsa, SigningKeyAlgorithm.RS256, createdAt);
        }

        throw new FormatException("The signing key is not a P-256 EC or RSA private key in PEM (PKCS#8) form.");
    }

    /// <summary>The private key as PKCS#8 PEM (<c>-----BEGIN PRIVATE KEY-----</c>), for a Kubernetes Secret.</summary>
    public SecretValue ExportPrivateKeyPem() => new(key.ExportPkcs8PrivateKeyPem());

    /// <summary>The public key as SubjectPublicKeyInfo PEM (<c>-----BEGIN PUBLIC KEY-----</c>); not secret.</summary>
    public string ExportPublicKeyPem() => key.ExportSubjectPublicKeyInfoPem();

    /// <summary>The public key as an RFC 7517 JWK JSON object with <c>use</c>, <c>alg</c> and <c>kid</c>; never any private part.</summary>
    public string ToPublicJwk()
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WritePublicJwk(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Signs <paramref name="data"/> with this key's algorithm (the raw JWS signature, no JWT framing).</summary>
    public byte[] SignData(ReadOnlySpan<byte> data) => key switch
    {
        ECDsa ecdsa => ecdsa.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation),
        RSA rsa => rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
        _ => throw new InvalidOperationException("Unsupported key type."),
    };

    /// <summary>Signs into <paramref name="destination"/> without allocating a result array.</summary>
    internal bool TrySignData(ReadOnlySpan<byte> data, Span<byte> destination, out int bytesWritten) => key switch
    {
        ECDsa ecdsa => ecdsa.TrySignData(data, destination, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation, out bytesWritten),
        RSA rsa => rsa.TrySignData(data, destination, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1, out bytesWritten),
        _ => throw new InvalidOperationException("Unsupported key type."),
    };

    /// <summary>Releases the private key.</summary>
    public void Dispose() => key.Dispose();

    /// <summary>Redacted description: algorithm and kid only.</summary>
    public override string ToString() => $"{AlgorithmName} kid={KeyId}";

    internal void WritePublicJwk(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        WriteRequiredPublicMembers(writer);
        writer.WriteString("use", "sig");
        writer.WriteString("alg", AlgorithmName);
        writer.WriteString("kid", KeyId);
        writer.WriteEndObject();
    }

    private static AsymmetricAlgorithm? TryImport(AsymmetricAlgorithm key, ReadOnlySpan<char> pem)
    {
        try
        {
            key.ImportFromPem(pem);
            return key;
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            key.Dispose();
            return null;
        }
    }

    /// <summary>The JWK members RFC 7638 §3.2 requires for the key type, in lexicographic order.</summary>
    private void WriteRequiredPublicMembers(Utf8JsonWriter writer)
    {
        switch (key)
        {
            case ECDsa ecdsa:
                var ec = ecdsa.ExportParameters(false);
                writer.WriteString("crv", "P-256");
                writer.WriteString("kty", "EC");
                writer.WriteString("x", Base64Url.EncodeToString(ec.Q.X));
                writer.WriteString("y", Base64Url.EncodeToString(ec.Q.Y));
                break;
            case RSA rsa:
                var parameters = rsa.ExportParameters(false);
                writer.WriteString("e", Base64Url.EncodeToString(parameters.Exponent));
                writer.WriteString("kty", "RSA");
                writer.WriteString("n", Base64Url.EncodeToString(parameters.Modulus));
                break;
        }
    }

    // RFC 7638 §3.2: the thumbprint of the required members only, in lexicographic order, no whitespace.
    private string ComputeKeyId()
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            WriteRequiredPublicMembers(writer);
            writer.WriteEndObject();
        }

        return Base64Url.EncodeToString(SHA256.HashData(buffer.WrittenSpan));
    }

    private byte[] EncodeJwtHeader()
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("alg", AlgorithmName);
            writer.WriteString("kid", KeyId);
            writer.WriteString("typ", JwtTokenIssuer.HeaderType);
            writer.WriteEndObject();
        }

        return Encoding.ASCII.GetBytes(Base64Url.EncodeToString(buffer.WrittenSpan));
    }
}
