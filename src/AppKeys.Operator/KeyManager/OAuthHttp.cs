using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace AppKeys.Operator.KeyManager;

/// <summary>Reading OAuth form requests and writing RFC 6749 §5.1/§5.2 responses.</summary>
public static class OAuthHttp
{
    /// <summary>Largest accepted request body: a form with a token, scopes and credentials is far below this.</summary>
    public const int MaxBodyBytes = 16 * 1024;

    /// <summary>A declared body up to this size over <see cref="MaxBodyBytes"/> is drained before the 413 is sent.</summary>
    public const int DrainBytes = 1024 * 1024;

    public const string Realm = "appkeys";

    /// <summary>
    /// The form parameters of a POST with <c>application/x-www-form-urlencoded</c> content; a parameter sent twice,
    /// another content type or a body over <see cref="MaxBodyBytes"/> is <c>invalid_request</c>.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, string>> ReadFormAsync(HttpContext ctx)
    {
        var limit = ctx.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature ? feature : null;
        if (ctx.Request.ContentLength is > MaxBodyBytes and <= DrainBytes && limit is not null)
        {
            // A body somewhat over the limit is read and dropped before the 413, so the client, still sending, gets
            // the answer instead of a reset connection; anything larger is refused without reading it.
            limit.MaxRequestBodySize = DrainBytes;
            await ctx.Request.Body.CopyToAsync(Stream.Null, ctx.RequestAborted);
            throw new OAuthException(413, "invalid_request", "the request body is too large");
        }

        if (limit is not null)
        {
            limit.MaxRequestBodySize = MaxBodyBytes;
        }

        if (!MediaTypeHeaderValue.TryParse(ctx.Request.ContentType, out var type)
            || !type.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            throw OAuthException.InvalidRequest("the request body must be application/x-www-form-urlencoded");
        }

        if (ctx.Request.ContentLength > MaxBodyBytes)
        {
            throw new OAuthException(413, "invalid_request", "the request body is too large");
        }

        IFormCollection form;
        try
        {
            form = await ctx.Request.ReadFormAsync(new FormOptions { ValueCountLimit = 32, KeyLengthLimit = 64, ValueLengthLimit = MaxBodyBytes }, ctx.RequestAborted);
        }
        catch (Exception e) when (e is InvalidDataException or InvalidOperationException or BadHttpRequestException)
        {
            throw e is BadHttpRequestException { StatusCode: 413 }
                ? new OAuthException(413, "invalid_request", "the request body is too large")
                : OAuthException.InvalidRequest("the request body is not a valid form");
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, values) in form)
        {
            if (values.Count != 1)
            {
                throw OAuthException.InvalidRequest($"parameter {name} is repeated");
            }

            result[name] = values[0] ?? "";
        }

        return result;
    }

    /// <summary>
    /// The client's id and secret, from <c>Authorization: Basic</c> (RFC 6749 §2.3.1: each form-urlencoded, then
    /// base64) or from <c>client_id</c>/<c>client_secret</c> in the body; using both is invalid_request.
    /// </summary>
    public static (string ClientId, string Secret, bool Basic) ClientCredentials(HttpContext ctx, IReadOnlyDictionary<string, string> form)
    {
        var header = ctx.Request.Headers.Authorization;
        if (header.Count > 1)
        {
            throw OAuthException.InvalidRequest("more than one Authorization header");
        }

        var value = header.ToString();
        if (value.Length > 0)
        {
            if (!value.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
            {
                throw OAuthException.InvalidClient("client authentication must use the Basic scheme");
            }

            if (form.ContainsKey("client_secret"))
            {
                throw OAuthException.InvalidRequest("the client authenticated with more than one method");
            }

            string decoded;
            try
            {
                decoded = new UTF8Encoding(false, true).GetString(Convert.FromBase64String(value["Basic ".Length..].Trim()));
            }
            catch (Exception e) when (e is FormatException or DecoderFallbackException)
            {
                throw OAuthException.InvalidClient("malformed Basic credentials");
            }

            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw OAuthException.InvalidClient("malformed Basic credentials");
            }

            var id = FormDecode(decoded[..colon]);
            if (form.TryGetValue("client_id", out var bodyId) && bodyId != id)
            {
                throw OAuthException.InvalidRequest("client_id does not match the authenticated client");
            }

            return (id, FormDecode(decoded[(colon + 1)..]), true);
        }

        if (form.TryGetValue("client_id", out var clientId) && form.TryGetValue("client_secret", out var secret) && clientId.Length > 0)
        {
            return (clientId, secret, false);
        }

        throw OAuthException.InvalidClient("client authentication is required (client_secret_basic or client_secret_post)");
    }

    public static Task WriteErrorAsync(HttpContext ctx, OAuthException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        ctx.Response.StatusCode = error.StatusCode;
        if (error.BasicChallenge)
        {
            ctx.Response.Headers.WWWAuthenticate = $"Basic realm=\"{Realm}\"";
        }

        if (error.RetryAfterSeconds is { } seconds)
        {
            ctx.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return WriteJsonAsync(ctx, error.StatusCode, w =>
        {
            w.WriteString("error", error.Error);
            w.WriteString("error_description", error.Message);
        });
    }

    /// <summary>A JSON object response with <c>Cache-Control: no-store</c> and <c>Pragma: no-cache</c>.</summary>
    public static async Task WriteJsonAsync(HttpContext ctx, int status, Action<Utf8JsonWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        NoStore(ctx);
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json; charset=utf-8";
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        ctx.Response.ContentLength = buffer.Length;
        await ctx.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), ctx.RequestAborted);
    }

    public static void NoStore(HttpContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.Response.Headers.CacheControl = "no-store";
        ctx.Response.Headers.Pragma = "no-cache";
    }

    /// <summary>application/x-www-form-urlencoded decoding ('+' is a space).</summary>
    private static string FormDecode(string value) => Uri.UnescapeDataString(value.Replace('+', ' '));
}
