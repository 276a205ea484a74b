using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Errors;

namespace AppKeys.LocalApiServer.Lists;

/// <summary>
/// The opaque <c>continue</c> token of a paged list, shaped like kube's (apiserver <c>pkg/storage/continue.go</c>):
/// base64url of <c>{"v":"meta.k8s.io/v1","rv":N,"start":"key"}</c>. The next page is read at revision N.
/// </summary>
public static class ContinueToken
{
    public const string ExpiredMessage =
        "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.";

    public static string Encode(long resourceVersion, string startKey)
    {
        var json = new JsonObject { ["v"] = "meta.k8s.io/v1", ["rv"] = resourceVersion, ["start"] = startKey }.ToJsonString();
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));
    }

    public static (long ResourceVersion, string StartKey) Decode(string token)
    {
        try
        {
            var json = JsonNode.Parse(Base64Url.DecodeFromChars(token)) as JsonObject;
            if (json?["v"]?.GetValue<string>() != "meta.k8s.io/v1")
            {
                throw StatusErrors.BadRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
            }
            var rv = json["rv"]!.GetValue<long>();
            var start = json["start"]!.GetValue<string>();
            if (rv <= 0 || start.Length == 0)
            {
                throw StatusErrors.BadRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
            }
            return (rv, start);
        }
        catch (Exception ex) when (ex is FormatException or JsonException or InvalidOperationException or NullReferenceException)
        {
            throw StatusErrors.BadRequest($"continue key is not valid: {ex.Message}");
        }
    }
}
