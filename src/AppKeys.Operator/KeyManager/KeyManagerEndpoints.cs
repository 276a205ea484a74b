using System.Globalization;
using System.Text.Json;
using AppKeys.Credentials;
using AppKeys.Operator.Apis;
using AppKeys.Operator.Controllers;
using AppKeys.Operator.Hosting;
using AppKeys.Runtime.Client;

namespace AppKeys.Operator.KeyManager;

/// <summary>The OAuth endpoints (docs/key-manager.md): token (RFC 6749 §4.4), introspection (RFC 7662), revocation (RFC 7009), metadata (RFC 8414).</summary>
public sealed class KeyManagerEndpoints(
    OperatorOptions options,
    ClientDirectory clients,
    TokenMinter minter,
    TokenInspector inspector,
    RevocationStore revocations,
    CallerAuthorizer callers,
    FailedAuthLimiter limiter,
    SigningKeys signingKeys,
    TokenKeyStore tokenKeys,
    KeyManagerMetrics metrics,
    TimeProvider time,
    ILogger<KeyManagerEndpoints> logger)
{
    public const string TokenPath = "/oauth2/token";
    public const string IntrospectPath = "/oauth2/introspect";
    public const string RevokePath = "/oauth2/revoke";
    public const string JwksPath = "/.well-known/jwks.json";
    public const string OpenIdConfigurationPath = "/.well-known/openid-configuration";
    public const string AuthorizationServerPath = "/.well-known/oauth-authorization-server";

    private bool Ready => signingKeys.IsLoaded && tokenKeys.Ring is not null && clients.IsSynced && inspector.IsSynced;

    /// <summary>The issuer without a trailing slash.</summary>
    private string Issuer => options.Issuer.TrimEnd('/');

    public Task TokenAsync(HttpContext ctx) => RunAsync(ctx, "token", async () =>
    {
        var form = await OAuthHttp.ReadFormAsync(ctx);
        var client = Authenticate(ctx, form);
        if (!form.TryGetValue("grant_type", out var grantType) || grantType.Length == 0)
        {
            throw OAuthException.InvalidRequest("grant_type is required");
        }

        if (grantType is not GrantTypes.ClientCredentials)
        {
            throw new OAuthException(400, "unsupported_grant_type", "only client_credentials is supported");
        }

        if (!client.Spec.GrantTypes.Contains(GrantTypes.ClientCredentials, StringComparer.Ordinal))
        {
            throw new OAuthException(400, "unauthorized_client", "the Application does not allow client_credentials");
        }

        var scopes = RequestedScopes(form, client);
        var validity = Validity(form, client);
        var token = await minter.IssueAsync(client, scopes, validity, ctx.RequestAborted);
        await OAuthHttp.WriteJsonAsync(ctx, 200, w =>
        {
            w.WriteString("access_token", token.AccessToken.Reveal());
            w.WriteString("token_type", "Bearer");
            if (token.ExpiresAt is { } exp)
            {
                w.WriteNumber("expires_in", (long)(exp - token.IssuedAt).TotalSeconds);
            }

            if (scopes.Count > 0)
            {
                w.WriteString("scope", string.Join(' ', scopes));
            }
        });
        return "ok";
    });

    public Task IntrospectAsync(HttpContext ctx) => RunAsync(ctx, "introspect", async () =>
    {
        var header = ctx.Request.Headers.Authorization.ToString();
        var caller = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header.Length > 7
            ? await callers.AuthenticateAsync(header[7..].Trim(), ctx.RequestAborted)
            : null;
        if (caller is null)
        {
            ctx.Response.Headers.WWWAuthenticate = $"Bearer realm=\"{OAuthHttp.Realm}\"";
            throw new OAuthException(401, "invalid_client", "introspection requires a Kubernetes bearer token the API server authenticates");
        }

        var form = await OAuthHttp.ReadFormAsync(ctx);
        if (!form.TryGetValue("token", out var token) || token.Length == 0)
        {
            throw OAuthException.InvalidRequest("token is required");
        }

        var active = inspector.Inspect(token);
        if (active is null || !await callers.MayIntrospectAsync(caller, active.Client.Namespace, active.Client.Application.Metadata.Name, ctx.RequestAborted))
        {
            await OAuthHttp.WriteJsonAsync(ctx, 200, w => w.WriteBoolean("active", false));
            return "inactive";
        }

        await OAuthHttp.WriteJsonAsync(ctx, 200, w => WriteActive(w, active));
        return "active";
    });

    public Task RevokeAsync(HttpContext ctx) => RunAsync(ctx, "revoke", async () =>
    {
        var form = await OAuthHttp.ReadFormAsync(ctx);
        var client = Authenticate(ctx, form);
        if (!form.TryGetValue("token", out var token) || token.Length == 0)
        {
            throw OAuthException.InvalidRequest("token is required");
        }

        // token_type_hint is only a hint (RFC 7009 §2.1): every kind of token is looked for.
        var found = inspector.Read(token);
        if (found is null)
        {
            OAuthHttp.NoStore(ctx);
            return "unknown";
        }

        if (found.ConsumerKey != client.ConsumerKey)
        {
            // Not this client's token: nothing is revoked, and the answer does not tell it apart from success.
            logger.LogWarning("Client {ClientId} asked to revoke token {TokenId} issued to another client", client.ConsumerKey, found.TokenId);
            OAuthHttp.NoStore(ctx);
            return "foreign";
        }

        try
        {
            await revocations.RevokeAsync(found.TokenId, found.ExpiresAt, ctx.RequestAborted);
        }
        catch (Exception e) when (e is RevocationListFullException or KubernetesApiException)
        {
            logger.LogError("Revoking token {TokenId} failed: {Reason}", found.TokenId, e.Message);
            throw new OAuthException(503, "temporarily_unavailable", "the revocation could not be recorded") { RetryAfterSeconds = 5 };
        }

        OAuthHttp.NoStore(ctx);
        return "ok";
    });

    public Task MetadataAsync(HttpContext ctx) => RunAsync(ctx, "metadata", async () =>
    {
        var issuer = Issuer;
        ctx.Response.Headers.CacheControl = "public, max-age=300";
        ctx.Response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(ctx.Response.Body);
        writer.WriteStartObject();
        writer.WriteString("issuer", issuer);
        writer.WriteString("token_endpoint", issuer + TokenPath);
        writer.WriteString("jwks_uri", issuer + JwksPath);
        writer.WriteString("introspection_endpoint", issuer + IntrospectPath);
        writer.WriteString("revocation_endpoint", issuer + RevokePath);
        Strings(writer, "grant_types_supported", GrantTypes.ClientCredentials);
        Strings(writer, "response_types_supported");
        Strings(writer, "token_endpoint_auth_methods_supported", "client_secret_basic", "client_secret_post");
        Strings(writer, "revocation_endpoint_auth_methods_supported", "client_secret_basic", "client_secret_post");
        // Kubernetes bearer tokens (TokenReview + SubjectAccessReview); not a registered client authentication method.
        Strings(writer, "introspection_endpoint_auth_methods_supported", "bearer");
        Strings(writer, "token_endpoint_auth_signing_alg_values_supported");
        Strings(writer, "subject_types_supported", "public");
        Strings(writer, "id_token_signing_alg_values_supported", options.SigningAlgorithm.ToString());
        writer.WriteEndObject();
        await writer.FlushAsync(ctx.RequestAborted);
        return "ok";
    });

    public Task JwksAsync(HttpContext ctx) => RunAsync(ctx, "jwks", async () =>
    {
        if (signingKeys.Jwks is not { } jwks)
        {
            throw new OAuthException(503, "temporarily_unavailable", "signing keys not loaded yet") { RetryAfterSeconds = 1 };
        }

        ctx.Response.ContentType = "application/jwk-set+json";
        await ctx.Response.WriteAsync(jwks, ctx.RequestAborted);
        return "ok";
    });

    private OAuthClient Authenticate(HttpContext ctx, IReadOnlyDictionary<string, string> form)
    {
        var (clientId, secret, basic) = OAuthHttp.ClientCredentials(ctx, form);
        var address = ctx.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (limiter.Blocked(clientId, address) is { } wait)
        {
            throw new OAuthException(429, "invalid_client", "too many failed client authentications; retry later")
            {
                RetryAfterSeconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)),
            };
        }

        if (clients.Authenticate(clientId, secret) is { } client)
        {
            return client;
        }

        limiter.Failed(clientId, address);
        // RFC 6749 §5.2: 401 with WWW-Authenticate when the client used the Authorization header; also sent for
        // client_secret_post, which the RFC allows.
        throw new OAuthException(401, "invalid_client", "client authentication failed", basicChallenge: true) { RetryAfterSeconds = null };
    }

    private static IReadOnlyList<string> RequestedScopes(IReadOnlyDictionary<string, string> form, OAuthClient client)
    {
        // No scope requested: a token with no scope (not every allowed scope): least privilege, documented in README.
        if (!form.TryGetValue("scope", out var scope) || scope.Length == 0)
        {
            return [];
        }

        var scopes = scope.Split(' ');
        if (scopes.Any(s => !Scopes.IsValid(s)))
        {
            throw new OAuthException(400, "invalid_scope", "scope must be space-separated scope tokens");
        }

        var normalized = Scopes.Normalize(scopes);
        if (!client.Allows(normalized))
        {
            throw new OAuthException(400, "invalid_scope", "a requested scope is not allowed for this Application");
        }

        return normalized;
    }

    /// <summary>validity_period (seconds) never beyond the Application's tokenValidityPeriod; negative asks for no expiry.</summary>
    private static long Validity(IReadOnlyDictionary<string, string> form, OAuthClient client)
    {
        var limit = client.TokenValidityPeriod;
        if (!form.TryGetValue("validity_period", out var text))
        {
            return limit;
        }

        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var requested) || requested == 0
            || requested > Apis.V1Alpha1ApplicationKeySpec.MaxValidityPeriodSeconds)
        {
            throw OAuthException.InvalidRequest("validity_period must be a non-zero integer number of seconds");
        }

        return limit < 0 ? requested : requested < 0 ? limit : Math.Min(requested, limit);
    }

    private static void WriteActive(Utf8JsonWriter w, ActiveToken token)
    {
        var client = token.Client;
        w.WriteBoolean("active", true);
        if (token.Scopes.Count > 0)
        {
            w.WriteString("scope", string.Join(' ', token.Scopes));
        }

        w.WriteString("client_id", client.ConsumerKey);
        w.WriteString("token_type", "Bearer");
        if (token.ExpiresAt is { } exp)
        {
            w.WriteNumber("exp", exp.ToUnixTimeSeconds());
        }

        w.WriteNumber("iat", token.IssuedAt.ToUnixTimeSeconds());
        w.WriteNumber("nbf", token.NotBefore.ToUnixTimeSeconds());
        w.WriteString("sub", token.Subject);
        if (token.Audiences.Count == 1)
        {
            w.WriteString("aud", token.Audiences[0]);
        }
        else
        {
            Strings(w, "aud", [.. token.Audiences]);
        }

        w.WriteString("iss", token.Issuer);
        w.WriteString("jti", token.TokenId);
        w.WriteString("keytype", KeyTypes.ToCredentials(client.KeyType).ToClaimValue());
        w.WriteString("token_format", token.IsJwt ? "JWT" : "Opaque");
        w.WriteStartObject("application");
        w.WriteString("name", client.Spec.DisplayName);
        w.WriteString("namespace", client.Namespace);
        w.WriteString("uuid", client.ApplicationId);
        w.WriteString("owner", client.Spec.Owner);
        w.WriteString("tier", client.Spec.ThrottlingPolicy);
        w.WriteEndObject();
    }

    private static void Strings(Utf8JsonWriter w, string name, params string[] values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }

    private async Task RunAsync(HttpContext ctx, string endpoint, Func<Task<string>> handle)
    {
        var started = time.GetTimestamp();
        string result;
        try
        {
            if (!ctx.Request.IsHttps)
            {
                // Client secrets and tokens only over TLS (RFC 6749 §2.3.1); the plain port never serves these.
                ctx.Response.StatusCode = StatusCodes.Status404NotFound;
                result = "not_https";
            }
            else if (!Ready)
            {
                throw new OAuthException(503, "temporarily_unavailable", "the key manager is starting") { RetryAfterSeconds = 1 };
            }
            else
            {
                result = await handle();
            }
        }
        catch (OAuthException e)
        {
            await OAuthHttp.WriteErrorAsync(ctx, e);
            result = e.StatusCode == 429 ? "throttled" : e.Error;
        }
        catch (KubernetesApiException e)
        {
            logger.LogWarning("Key manager {Endpoint}: the API server could not answer: {Reason}", endpoint, e.Message);
            await OAuthHttp.WriteErrorAsync(ctx, new OAuthException(503, "temporarily_unavailable", "the API server could not answer") { RetryAfterSeconds = 1 });
            result = "temporarily_unavailable";
        }

        metrics.Request(endpoint, result, time.GetElapsedTime(started));
    }
}
