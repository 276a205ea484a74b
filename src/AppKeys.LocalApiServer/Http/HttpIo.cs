using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Errors;
using AppKeys.LocalApiServer.GoCompat;
using AppKeys.LocalApiServer.Objects;
using Microsoft.AspNetCore.Http;

namespace AppKeys.LocalApiServer.Http;

/// <summary>Reading request bodies and writing JSON answers.</summary>
internal static class HttpIo
{
    private static readonly string[] Accepted = ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"];

    public static async Task<byte[]> ReadBodyAsync(HttpContext ctx, long limit)
    {
        if (ctx.Request.ContentLength is { } declared && declared > limit)
        {
            throw StatusErrors.RequestEntityTooLarge(limit);
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await ctx.Request.Body.ReadAsync(chunk, ctx.RequestAborted)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw StatusErrors.RequestEntityTooLarge(limit);
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary>Decodes a create/update body for <paramref name="kind"/> (JSON, or YAML as kube also accepts).</summary>
    public static JsonObject DecodeObject(HttpContext ctx, byte[] body, string kind)
    {
        var mediaType = MediaType(ctx.Request.ContentType);
        switch (mediaType)
        {
            case "" or "application/json" or "*/*":
                if (GoJsonSyntax.Check(body) is { } syntaxError)
                {
                    throw StatusErrors.UndecodableObject(kind, syntaxError, body);
                }
                if (GoJsonSyntax.ValueKind(body) is not ("object" or "null") and var valueKind)
                {
                    throw StatusErrors.UndecodableObject(kind, GoJsonSyntax.NotAnObject(valueKind), body);
                }
                return JsonText.ParseObject(body);
            case "application/yaml":
                JsonNode? node;
                try
                {
                    node = YamlToJson.Convert(Encoding.UTF8.GetString(body));
                }
                catch (YamlDotNet.Core.YamlException ex)
                {
                    throw StatusErrors.BadRequest($"the object provided is unrecognized or malformed: {ex.Message}");
                }
                return node as JsonObject ?? throw StatusErrors.BadRequest("the object provided is unrecognized or malformed: expected an object");
            case "application/vnd.kubernetes.protobuf":
                return Protobuf.KubeProtobuf.Decode(body, Accepted);
            default:
                throw StatusErrors.UnsupportedMediaType(mediaType, Accepted);
        }
    }

    public static string MediaType(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return "";
        }
        var semi = contentType.IndexOf(';', StringComparison.Ordinal);
        return (semi >= 0 ? contentType[..semi] : contentType).Trim().ToLowerInvariant();
    }

    public static async Task WriteJsonAsync(HttpContext ctx, int code, JsonNode body, IReadOnlyList<string>? warnings = null)
    {
        if (ctx.Response.HasStarted)
        {
            return;
        }
        ctx.Response.StatusCode = code;
        ctx.Response.ContentType = "application/json";
        AddWarnings(ctx, warnings);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, JsonText.Compact);
        ctx.Response.ContentLength = bytes.Length;
        await ctx.Response.Body.WriteAsync(bytes, ctx.RequestAborted);
    }

    public static void AddWarnings(HttpContext ctx, IReadOnlyList<string>? warnings)
    {
        if (warnings is null)
        {
            return;
        }
        foreach (var w in warnings.Distinct(StringComparer.Ordinal))
        {
            // RFC 7234 warn-code 299 with an escaped quoted message, as kube's warning recorder writes it.
            var escaped = w.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
            ctx.Response.Headers.Append("Warning", $"299 - \"{escaped}\"");
        }
    }

    public static Task WriteErrorAsync(HttpContext ctx, ApiException error) =>
        WriteJsonAsync(ctx, error.Code, error.ToStatus());

    public static async Task WriteTextAsync(HttpContext ctx, int code, string text)
    {
        ctx.Response.StatusCode = code;
        ctx.Response.ContentType = "text/plain; charset=utf-8";
        await ctx.Response.WriteAsync(text, ctx.RequestAborted);
    }
}
