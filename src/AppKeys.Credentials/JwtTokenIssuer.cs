using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AppKeys.Credentials;

/// <summary>
/// Issues signed JWT access tokens shaped like WSO2 API Manager 4.x application tokens.
/// <para>Header: <c>alg</c> (ES256/RS256), <c>kid</c> (RFC 7638 thumbprint), <c>typ: "JWT"</c>. We do not use
/// <c>at+jwt</c> (RFC 9068) because that profile requires <c>exp</c>, which never-expiring tokens lack, and WSO2
/// gateways expect <c>JWT</c>.</para>
/// <para>Payload: <c>iss</c>, <c>sub</c> = <c>client_id</c> = <c>azp</c> = consumer key, <c>aud</c>, <c>scope</c>
/// (space separated, omitted when none), <c>keytype</c>, <c>application</c> {name, namespace, uuid, owner, tier},
/// <c>aut: "APPLICATION"</c>, <c>jti</c> (random UUID), <c>iat</c>, <c>nbf</c> and, only for a positive validity,
/// <c>exp</c> (capped at <see cref="ValidityPolicy.MaxExpiresAt"/>).</para>
/// </summary>
public sealed class JwtTokenIssuer : ITokenIssuer
{
    /// <summary>The JWT header <c>typ</c>.</summary>
    public const string HeaderType = "JWT";

    /// <summary>The <c>aut</c> claim: the token authenticates an application, not a user.</summary>
    public const string AuthorizedUserType = "APPLICATION";

    private readonly TimeProvider _timeProvider;

    // One handler for all tokens (it is thread-safe). We write iat/nbf/exp ourselves; default times stay off so a
    // never-expiring token can never gain the handler's wall-clock "now + 60 min" exp, whichever overload is used.
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    /// <summary>Creates an issuer reading time from <paramref name="timeProvider"/>.</summary>
    public JwtTokenIssuer(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
    }

    /// <inheritdoc />
    public AccessTokenType TokenType => AccessTokenType.Jwt;

    /// <inheritdoc />
    public IssuedToken Issue(TokenRequest request)
    {
        TokenRequestValidator.ValidateForJwt(request);
        var signingKey = request.SigningKey!;

        // Whole seconds, so IssuedAt/ExpiresAt equal what the claims say.
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(_timeProvider.GetUtcNow().ToUnixTimeSeconds());
        var expiresAt = ValidityPolicy.ExpiresAt(issuedAt, request.ValidityPeriodSeconds);
        // Guid.NewGuid is a version 4 UUID from the OS CSPRNG; jti identifies, it does not authenticate.
        var tokenId = Guid.NewGuid().ToString("D");

        var payload = WritePayload(request, tokenId, issuedAt, expiresAt);
        var token = _handler.CreateToken(payload, signingKey.SigningCredentials);
        return new IssuedToken(new SecretValue(token), AccessTokenType.Jwt, tokenId, issuedAt, expiresAt, signingKey.KeyId);
    }

    private static string WritePayload(TokenRequest request, string tokenId, DateTimeOffset issuedAt, DateTimeOffset? expiresAt)
    {
        var buffer = new ArrayBufferWriter<byte>(768);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("iss", request.Issuer);
            writer.WriteString("sub", request.ConsumerKey);
            WriteAudience(writer, request);
            writer.WriteString("client_id", request.ConsumerKey);
            writer.WriteString("azp", request.ConsumerKey);
            if (request.Scopes.Count > 0)
            {
                writer.WriteString("scope", string.Join(' ', request.Scopes));
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
            writer.WriteString("jti", tokenId);
            writer.WriteNumber("iat", issuedAt.ToUnixTimeSeconds());
            writer.WriteNumber("nbf", issuedAt.ToUnixTimeSeconds());
            if (expiresAt is { } expiry)
            {
                writer.WriteNumber("exp", expiry.ToUnixTimeSeconds());
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
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
}
