using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace AppKeys.Credentials;

/// <summary>
/// Issues signed JWT access tokens shaped like WSO2 API Manager 4.x application tokens.
/// <para>Header: <c>alg</c> (ES256/RS256), <c>kid</c> (RFC 7638 thumbprint), <c>typ: "JWT"</c>. We do not use
/// <c>at+jwt</c> (RFC 9068) because that profile requires <c>exp</c>, which never-expiring tokens lack, and WSO2
/// gateways expect <c>JWT</c>.</para>
/// <para>Payload: <c>iss</c>, <c>sub</c> = <c>client_id</c> = <c>azp</c> = consumer key, <c>aud</c>, <c>scope</c>
/// (space separated, omitted when none), <c>keytype</c>, <c>application</c> {name, namespace, uuid, owner, tier},
/// <c>aut: "APPLICATION"</c>, <c>appkey_uid</c> (only for a token issued for an ApplicationKey), <c>jti</c> (random
/// UUID), <c>iat</c>, <c>nbf</c> and, only for a positive validity, <c>exp</c> (capped at
/// <see cref="ValidityPolicy.MaxExpiresAt"/>).</para>
/// <para>The JWS compact serialization (RFC 7515 §7.1) is written here rather than by
/// <c>JsonWebTokenHandler.CreateToken</c>: the handler allocates about 5 KB per token, this path about 2 KB (mostly
/// the token string itself), see docs/benchmarks.md. Tests validate every token with <c>JsonWebTokenHandler</c>.</para>
/// </summary>
public sealed class JwtTokenIssuer : ITokenIssuer
{
    /// <summary>The JWT header <c>typ</c>.</summary>
    public const string HeaderType = "JWT";

    /// <summary>The <c>aut</c> claim: the token authenticates an application, not a user.</summary>
    public const string AuthorizedUserType = "APPLICATION";

    /// <summary>
    /// The claim naming the ApplicationKey (its <c>metadata.uid</c>) a token was issued for; not a WSO2 claim, and
    /// absent from token-endpoint tokens. Introspection answers inactive once that key is gone.
    /// </summary>
    public const string ApplicationKeyUidClaim = "appkey_uid";

    // Payloads beyond this size (thousands of scopes) are not kept in the per-thread buffer.
    private const int MaxRetainedPayloadBytes = 16 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_payloadBuffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_payloadWriter;

    private readonly TimeProvider timeProvider;

    /// <summary>Creates an issuer reading time from <paramref name="timeProvider"/>.</summary>
    public JwtTokenIssuer(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        this.timeProvider = timeProvider;
    }

    /// <inheritdoc />
    public AccessTokenType TokenType => AccessTokenType.Jwt;

    /// <inheritdoc />
    public IssuedToken Issue(TokenRequest request)
    {
        TokenRequestValidator.ValidateForJwt(request);
        var signingKey = request.SigningKey!;

        // Whole seconds, so IssuedAt/ExpiresAt equal what the claims say.
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(timeProvider.GetUtcNow().ToUnixTimeSeconds());
        var expiresAt = ValidityPolicy.ExpiresAt(issuedAt, request.ValidityPeriodSeconds);
        // Guid.NewGuid is a version 4 UUID from the OS CSPRNG; jti identifies, it does not authenticate.
        var jti = Guid.NewGuid();

        var payloadBuffer = t_payloadBuffer ??= new ArrayBufferWriter<byte>(1024);
        var writer = t_payloadWriter ??= new Utf8JsonWriter(payloadBuffer);
        payloadBuffer.ResetWrittenCount();
        writer.Reset(payloadBuffer);
        try
        {
            WritePayload(writer, request, jti, issuedAt, expiresAt);
            writer.Flush();
            var token = Sign(signingKey, payloadBuffer.WrittenSpan);
            return new IssuedToken(new SecretValue(token), AccessTokenType.Jwt, jti.ToString("D"), issuedAt, expiresAt, signingKey.KeyId);
        }
        finally
        {
            // The payload is not secret, but do not let one huge request pin a large buffer on this thread.
            if (payloadBuffer.Capacity > MaxRetainedPayloadBytes)
            {
                t_payloadBuffer = null;
                t_payloadWriter = null;
            }
        }
    }

    // header "." payload "." signature, all base64url, built in one pooled ASCII buffer; the only allocation is the
    // resulting string.
    private static string Sign(SigningKeyMaterial key, ReadOnlySpan<byte> payloadJson)
    {
        var header = key.EncodedJwtHeader;
        var signingInputLength = header.Length + 1 + Base64Url.GetEncodedLength(payloadJson.Length);
        var totalLength = signingInputLength + 1 + Base64Url.GetEncodedLength(key.SignatureSize);
        var rented = ArrayPool<byte>.Shared.Rent(totalLength);
        try
        {
            var token = rented.AsSpan(0, totalLength);
            header.CopyTo(token);
            token[header.Length] = (byte)'.';
            Base64Url.EncodeToUtf8(payloadJson, token[(header.Length + 1)..signingInputLength]);

            Span<byte> signature = stackalloc byte[512];
            if (!key.TrySignData(token[..signingInputLength], signature, out var signatureLength) || signatureLength != key.SignatureSize)
            {
                throw new InvalidOperationException("The signing key produced a signature of unexpected size.");
            }

            token[signingInputLength] = (byte)'.';
            Base64Url.EncodeToUtf8(signature[..signatureLength], token[(signingInputLength + 1)..]);
            return Encoding.ASCII.GetString(token);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static void WritePayload(Utf8JsonWriter writer, TokenRequest request, Guid jti, DateTimeOffset issuedAt, DateTimeOffset? expiresAt)
    {
        writer.WriteStartObject();
        writer.WriteString("iss", request.Issuer);
        writer.WriteString("sub", request.ConsumerKey);
        WriteAudience(writer, request);
        writer.WriteString("client_id", request.ConsumerKey);
        writer.WriteString("azp", request.ConsumerKey);
        if (request.Scopes.Count > 0)
        {
            WriteScope(writer, request.Scopes);
        }

        writer.WriteString("keytype", request.KeyType.ToClaimValue());
        writer.WriteStartObject("application");
        writer.WriteString("name", request.Application.Name);
        writer.WriteString("namespace", request.Application.Namespace);
        writer.WriteString("uuid", request.Application.Uuid);
        writer.WriteString("owner", request.Application.Owner);
        writer.WriteString("tier", request.Application.Tier);
        writer.WriteEndObject();
        writer.WriteString("aut", AuthorizedUserType);
        if (request.ApplicationKeyUid is { } keyUid)
        {
            writer.WriteString(ApplicationKeyUidClaim, keyUid);
        }

        writer.WriteString("jti", jti);
        writer.WriteNumber("iat", issuedAt.ToUnixTimeSeconds());
        writer.WriteNumber("nbf", issuedAt.ToUnixTimeSeconds());
        if (expiresAt is { } expiry)
        {
            writer.WriteNumber("exp", expiry.ToUnixTimeSeconds());
        }

        writer.WriteEndObject();
    }

    private static void WriteAudience(Utf8JsonWriter writer, TokenRequest request)
    {
        switch (request.Audiences.Count)
        {
            case 0:
                writer.WriteString("aud", request.ConsumerKey);
                break;
            case 1:
                writer.WriteString("aud", request.Audiences[0]);
                break;
            default:
                writer.WriteStartArray("aud");
                foreach (var audience in request.Audiences)
                {
                    writer.WriteStringValue(audience);
                }

                writer.WriteEndArray();
                break;
        }
    }

    // Space-separated scopes joined in a pooled buffer instead of string.Join.
    private static void WriteScope(Utf8JsonWriter writer, IReadOnlyList<string> scopes)
    {
        var length = scopes.Count - 1;
        foreach (var scope in scopes)
        {
            length += scope.Length;
        }

        var rented = ArrayPool<char>.Shared.Rent(length);
        try
        {
            var position = 0;
            for (var i = 0; i < scopes.Count; i++)
            {
                if (i > 0)
                {
                    rented[position++] = ' ';
                }

                scopes[i].CopyTo(rented.AsSpan(position));
                position += scopes[i].Length;
            }

            writer.WriteString("scope", rented.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }
}
