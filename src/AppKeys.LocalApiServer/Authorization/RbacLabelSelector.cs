using System.Text.Json.Nodes;

namespace AppKeys.LocalApiServer.Authorization;

/// <summary>
/// A <c>metav1.LabelSelector</c> (matchLabels and matchExpressions with In, NotIn, Exists, DoesNotExist), as
/// <c>LabelSelectorAsSelector</c> reads it: an empty selector matches everything; an unknown operator matches nothing.
/// </summary>
public sealed record RbacLabelSelector(
    IReadOnlyDictionary<string, string> MatchLabels,
    IReadOnlyList<(string Key, string Operator, IReadOnlyList<string> Values)> MatchExpressions)
{
    public static RbacLabelSelector FromJson(JsonNode? node)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node?["matchLabels"] is JsonObject ml)
        {
            foreach (var (k, v) in ml)
            {
                if (v is JsonValue value && value.TryGetValue<string>(out var s))
                {
                    labels[k] = s;
                }
            }
        }
        var expressions = new List<(string, string, IReadOnlyList<string>)>();
        if (node?["matchExpressions"] is JsonArray me)
        {
            foreach (var e in me)
            {
                var key = e?["key"]?.GetValue<string>() ?? "";
                var op = e?["operator"]?.GetValue<string>() ?? "";
                expressions.Add((key, op, RbacPolicyRule.Strings(e?["values"])));
            }
        }
        return new RbacLabelSelector(labels, expressions);
    }

    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        foreach (var (k, v) in MatchLabels)
        {
            if (!labels.TryGetValue(k, out var actual) || actual != v)
            {
                return false;
            }
        }
        foreach (var (key, op, values) in MatchExpressions)
        {
            var has = labels.TryGetValue(key, out var actual);
            var ok = op switch
            {
                "In" => has && values.Contains(actual!),
                "NotIn" => !has || !values.Contains(actual!),
                "Exists" => has,
                "DoesNotExist" => !has,
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }
}
