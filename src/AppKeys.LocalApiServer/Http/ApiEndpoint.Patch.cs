using System.Text;
using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Admission;
using AppKeys.LocalApiServer.Errors;
using AppKeys.LocalApiServer.GoCompat;
using AppKeys.LocalApiServer.Model;
using AppKeys.LocalApiServer.Objects;
using AppKeys.LocalApiServer.Patching;
using AppKeys.LocalApiServer.Registry;
using Microsoft.AspNetCore.Http;

namespace AppKeys.LocalApiServer.Http;

internal sealed partial class ApiEndpoint
{
    private const string JsonPatchType = "application/json-patch+json";
    private const string MergePatchType = "application/merge-patch+json";
    private const string StrategicPatchType = "application/strategic-merge-patch+json";
    private const string ApplyPatchType = "application/apply-patch+yaml";

    /// <summary>PATCH (apiserver <c>pkg/endpoints/handlers/patch.go</c>): the four patch types; apply creates.</summary>
    private async Task PatchAsync(HttpContext ctx, ApiResourceInfo r, ResourcePath p)
    {
        var mediaType = HttpIo.MediaType(ctx.Request.ContentType);
        string[] accepted = r.IsCustom
            ? [JsonPatchType, MergePatchType, ApplyPatchType]
            : [JsonPatchType, MergePatchType, StrategicPatchType, ApplyPatchType];
        if (!accepted.Contains(mediaType))
        {
            throw StatusErrors.UnsupportedMediaType(mediaType, accepted);
        }
        var options = WriteOptionsOf(ctx);
        var isApply = mediaType == ApplyPatchType;
        if (isApply && string.IsNullOrEmpty(options.FieldManager))
        {
            throw StatusErrors.Invalid(BuiltInResources.PatchOptionsKind, "",
                [FieldCause.Required("fieldManager", "is required for apply patch")]);
        }
        if (!isApply && options.Force)
        {
            throw StatusErrors.Invalid(BuiltInResources.PatchOptionsKind, "",
                [FieldCause.Forbidden("force", "may not be specified for non-apply patch")]);
        }
        var raw = await HttpIo.ReadBodyAsync(ctx, this.options.MaxRequestBodyBytes);
        if (!isApply)
        {
            CheckPatchSyntax(mediaType, raw);
        }
        var patchDoc = isApply ? DecodeApply(raw) : JsonText.ParseAny(raw);
        if (patchDoc is null)
        {
            throw StatusErrors.BadRequest("the request body is empty or null");
        }
        var isSecret = KindRules.IsSecret(r);

        JsonObject Patch(JsonObject? current)
        {
            JsonNode? patched;
            try
            {
                patched = mediaType switch
                {
                    JsonPatchType => JsonPatch.Apply(current!, patchDoc.DeepClone()),
                    StrategicPatchType => StrategicMergePatch.Apply(current!, patchDoc.DeepClone(), r),
                    MergePatchType => JsonMergePatch.Apply(current, patchDoc.DeepClone()),
                    _ => ServerSideApply.Merge(current, patchDoc.DeepClone(), r, options.FieldManager!, this.options.Time.GetUtcNow(),
                        options.Force),
                };
            }
            catch (PatchException ex)
            {
                throw PatchFailure(ex, mediaType);
            }
            if (patched is not JsonObject result)
            {
                throw StatusErrors.BadRequest("the patch produced an object that is not a JSON object");
            }
            ObjectMetaDecoding.CheckPatched(r, result);
            if (isSecret)
            {
                KindRules.DecodeSecretData(result);
            }
            else if (KindRules.IsConfigMap(r))
            {
                KindRules.DecodeConfigMapBinaryData(result);
            }
            return result;
        }

        var writeResult = service.Patch(r, p.Namespace, p.Name!, p.Subresource, Patch, createIfMissing: isApply, options,
            isApply ? "Apply" : "Update");
        await RespondObjectAsync(ctx, r, writeResult.Code, writeResult.Body, writeResult.Warnings);
    }

    /// <summary>
    /// The decode errors of handlers/patch.go under the default fieldValidation (Warn): merge and JSON patches are
    /// unmarshalled strictly with "error decoding patch: " before Go's error, strategic merge patches without it.
    /// </summary>
    private static void CheckPatchSyntax(string mediaType, byte[] raw)
    {
        var prefix = mediaType == StrategicPatchType ? "" : "error decoding patch: ";
        if (GoJsonSyntax.Check(raw) is { } syntaxError)
        {
            throw StatusErrors.BadRequest(prefix + syntaxError);
        }
        var kind = GoJsonSyntax.ValueKind(raw);
        if (mediaType == JsonPatchType && kind is not ("array" or "null"))
        {
            throw StatusErrors.BadRequest($"{prefix}json: cannot unmarshal {kind} into Go value of type []handlers.jsonPatchOp");
        }
        if (mediaType != JsonPatchType && kind is not ("object" or "null"))
        {
            throw StatusErrors.BadRequest($"{prefix}json: cannot unmarshal {kind} into Go value of type map[string]interface {{}}");
        }
    }

    private static JsonNode? DecodeApply(byte[] raw)
    {
        var text = Encoding.UTF8.GetString(raw);
        if (text.TrimStart().StartsWith('{'))
        {
            return JsonText.ParseAny(raw);
        }
        try
        {
            return YamlToJson.Convert(text);
        }
        catch (YamlDotNet.Core.YamlException ex)
        {
            throw StatusErrors.BadRequest($"error decoding YAML: {ex.Message}");
        }
    }

    /// <summary>
    /// The Status of a patch that does not apply. handlers/patch.go: a JSON patch is NewGenericServerResponse(422),
    /// its own error text not passed on (kubectl: "The request is invalid: the server rejected our request ...").
    /// </summary>
    private static ApiException PatchFailure(PatchException ex, string mediaType) =>
        mediaType == JsonPatchType ? StatusErrors.GenericInvalid()
        : ex.StatusCode == 422 ? new ApiException(422, "Invalid", ex.Message, new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["message"] = ex.Message }) })
        : StatusErrors.BadRequest(ex.Message);
}
