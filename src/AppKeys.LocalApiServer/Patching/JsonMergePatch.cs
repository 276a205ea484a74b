using System.Text.Json.Nodes;

namespace AppKeys.LocalApiServer.Patching;

/// <summary>JSON merge patch (RFC 7386), <c>application/merge-patch+json</c>. Inputs are not mutated.</summary>
public static class JsonMergePatch
{
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target is JsonObject t ? (JsonObject)t.DeepClone() : [];
        MergeInto(result, patchObject);
        return result;
    }

    private static void MergeInto(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch)
        {
            if (value is null)
            {
                target.Remove(key);
            }
            else if (value is JsonObject patchChild)
            {
                if (target[key] is JsonObject targetChild)
                {
                    MergeInto(targetChild, patchChild);
                }
                else
                {
                    var fresh = new JsonObject();
                    MergeInto(fresh, patchChild);
                    target[key] = fresh;
                }
            }
            else
            {
                target[key] = value.DeepClone();
            }
        }
    }
}
