using System.Text.Json.Nodes;

namespace AppKeys.LocalApiServer.Authorization;

/// <summary>One <c>rbac.authorization.k8s.io/v1</c> PolicyRule.</summary>
public sealed record RbacPolicyRule
{
    public IReadOnlyList<string> Verbs { get; init; } = [];
    public IReadOnlyList<string> ApiGroups { get; init; } = [];
    public IReadOnlyList<string> Resources { get; init; } = [];
    public IReadOnlyList<string> ResourceNames { get; init; } = [];
    public IReadOnlyList<string> NonResourceUrls { get; init; } = [];

    /// <summary>Reads a rule from its JSON form; missing lists are empty.</summary>
    public static RbacPolicyRule FromJson(JsonNode? node) => new()
    {
        Verbs = Strings(node?["verbs"]),
        ApiGroups = Strings(node?["apiGroups"]),
        Resources = Strings(node?["resources"]),
        ResourceNames = Strings(node?["resourceNames"]),
        NonResourceUrls = Strings(node?["nonResourceURLs"]),
    };

    /// <summary>The JSON form, omitting empty lists as kube does.</summary>
    public JsonObject ToJson()
    {
        var o = new JsonObject();
        Add(o, "verbs", Verbs);
        Add(o, "apiGroups", ApiGroups);
        Add(o, "resources", Resources);
        Add(o, "resourceNames", ResourceNames);
        Add(o, "nonResourceURLs", NonResourceUrls);
        return o;
    }

    /// <summary>Value equality over the lists (the generated record equality compares list references).</summary>
    public bool SameAs(RbacPolicyRule other) =>
        Verbs.SequenceEqual(other.Verbs) && ApiGroups.SequenceEqual(other.ApiGroups)
        && Resources.SequenceEqual(other.Resources) && ResourceNames.SequenceEqual(other.ResourceNames)
        && NonResourceUrls.SequenceEqual(other.NonResourceUrls);

    internal static List<string> Strings(JsonNode? node)
    {
        var list = new List<string>();
        if (node is JsonArray array)
        {
            foreach (var item in array)
            {
                if (item is JsonValue v && v.TryGetValue<string>(out var s))
                {
                    list.Add(s);
                }
            }
        }
        return list;
    }

    private static void Add(JsonObject o, string name, IReadOnlyList<string> values)
    {
        if (values.Count == 0)
        {
            return;
        }
        var array = new JsonArray();
        foreach (var v in values)
        {
            array.Add(v);
        }
        o[name] = array;
    }
}
