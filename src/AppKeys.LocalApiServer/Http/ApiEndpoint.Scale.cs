using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Errors;
using AppKeys.LocalApiServer.Model;
using AppKeys.LocalApiServer.Objects;
using AppKeys.LocalApiServer.Patching;
using Microsoft.AspNetCore.Http;

namespace AppKeys.LocalApiServer.Http;

internal sealed partial class ApiEndpoint
{
    /// <summary>
    /// <c>deployments/scale</c>: GET answers the autoscaling/v1 Scale, PUT and PATCH (JSON, merge and strategic
    /// merge patches of the Scale) change the Deployment's spec.replicas. Authorized before, as the path reads.
    /// </summary>
    private async Task ServeScaleAsync(HttpContext ctx, ApiResourceInfo r, ResourcePath p, string verb)
    {
        var ns = p.Namespace;
        var name = p.Name!;
        switch (verb)
        {
            case "get":
                await HttpIo.WriteJsonAsync(ctx, 200, service.GetScale(r, ns, name));
                return;
            case "update":
                {
                    var body = HttpIo.DecodeObject(ctx, await HttpIo.ReadBodyAsync(ctx, options.MaxRequestBodyBytes), "Scale");
                    var result = service.UpdateScale(r, ns, name, _ => body, WriteOptionsOf(ctx));
                    await HttpIo.WriteJsonAsync(ctx, result.Code, result.Body, result.Warnings);
                    return;
                }
            case "patch":
                {
                    var mediaType = HttpIo.MediaType(ctx.Request.ContentType);
                    string[] accepted = [JsonPatchType, MergePatchType, StrategicPatchType];
                    if (!accepted.Contains(mediaType))
                    {
                        throw StatusErrors.UnsupportedMediaType(mediaType, accepted);
                    }
                    var raw = await HttpIo.ReadBodyAsync(ctx, options.MaxRequestBodyBytes);
                    CheckPatchSyntax(mediaType, raw);
                    var patchDoc = JsonText.ParseAny(raw) ?? throw StatusErrors.BadRequest("the request body is empty or null");
                    var result = service.UpdateScale(r, ns, name, current => PatchScale(mediaType, current, patchDoc, r), WriteOptionsOf(ctx));
                    await HttpIo.WriteJsonAsync(ctx, result.Code, result.Body, result.Warnings);
                    return;
                }
            default:
                throw StatusErrors.MethodNotAllowed();
        }
    }

    private static JsonObject PatchScale(string mediaType, JsonObject current, JsonNode patchDoc, ApiResourceInfo r)
    {
        JsonNode? patched;
        try
        {
            patched = mediaType switch
            {
                JsonPatchType => JsonPatch.Apply(current, patchDoc.DeepClone()),
                StrategicPatchType => StrategicMergePatch.Apply(current, patchDoc.DeepClone(), r),
                _ => JsonMergePatch.Apply(current, patchDoc.DeepClone()),
            };
        }
        catch (PatchException ex)
        {
            throw PatchFailure(ex, mediaType);
        }
        return patched as JsonObject ?? throw StatusErrors.BadRequest("the patch produced an object that is not a JSON object");
    }
}
