using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AppKeys.LocalApiServer.GoCompat;

/// <summary>Go's <c>%v</c> rendering of decoded JSON (maps with sorted keys), used in kube's patch error texts.</summary>
internal static class GoValue
{
    public static string Format(JsonNode? node)
    {
        var sb = new StringBuilder();
        Append(sb, node);
        return sb.ToString();
    }

    private static void Append(StringBuilder sb, JsonNode? node)
    {
        switch (node)
        {
            case null:
                sb.Append("<nil>");
                break;
            case JsonObject o:
                sb.Append("map[");
                var first = true;
                foreach (var (k, v) in o.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (!first)
                    {
                        sb.Append(' ');
                    }

                    first = false;
                    sb.Append(k).Append(':');
                    Append(sb, v);
                }

                sb.Append(']');
                break;
            case JsonArray a:
                sb.Append('[');
                for (var i = 0; i < a.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(' ');
                    }

                    Append(sb, a[i]);
                }

                sb.Append(']');
                break;
            case JsonValue v:
                switch (v.GetValueKind())
                {
                    case JsonValueKind.String:
                        sb.Append(v.GetValue<string>());
                        break;
                    case JsonValueKind.Number:
                        sb.Append(v.TryGetValue<long>(out var l)
                            ? l.ToString(System.Globalization.CultureInfo.InvariantCulture)
                            : GoText.FormatFloat(v.GetValue<double>()));
                        break;
                    default:
                        sb.Append(v.ToJsonString());
                        break;
                }

                break;
        }
    }
}
