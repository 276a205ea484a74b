using AppKeys.LocalApiServer.Http;
using Microsoft.AspNetCore.Http;

namespace AppKeys.LocalApiServer.Faults;

/// <summary>What a request is, as far as fault filters care: verb, group, version, resource, subresource, namespace, name.</summary>
internal sealed record FaultRequest(string Verb, string Group, string Version, string Resource, string? Subresource, string? Namespace, string? Name)
{
    /// <summary>Null for non-resource requests (discovery, OpenAPI, /version, health).</summary>
    public static FaultRequest? Classify(HttpContext ctx)
    {
        var segments = (ctx.Request.Path.Value ?? "/").Split('/', StringSplitOptions.RemoveEmptyEntries);
        ResourcePath? p = segments switch
        {
            ["api", "v1", _, ..] => ResourcePath.Parse("", "v1", segments.AsSpan(2)),
            ["apis", _, _, _, ..] => ResourcePath.Parse(segments[1], segments[2], segments.AsSpan(3)),
            _ => null,
        };
        if (p is null)
        {
            return null;
        }
        var watch = p.LegacyWatch || (ctx.Request.Query.TryGetValue("watch", out var w) && w.Count > 0 && w[^1] is "1" or "true" or "True");
        var verb = (ctx.Request.Method, p.Name is null) switch
        {
            ("GET", _) when watch => "watch",
            ("GET", false) => "get",
            ("GET", true) => "list",
            ("POST", _) => "create",
            ("PUT", _) => "update",
            ("PATCH", _) => "patch",
            ("DELETE", false) => "delete",
            ("DELETE", true) => "deletecollection",
            _ => ctx.Request.Method.ToLowerInvariant(),
        };
        return new FaultRequest(verb, p.Group, p.Version, p.Plural, p.Subresource, p.Namespace, p.Name);
    }

    public bool Matches(FaultRule rule)
    {
        if (rule.Verbs is { Count: > 0 } verbs && !verbs.Contains(Verb))
        {
            return false;
        }
        if (rule.Namespace is { } ns && ns != Namespace)
        {
            return false;
        }
        if (rule.Resources is { Count: > 0 } resources)
        {
            var qualified = Group.Length == 0 ? Resource : $"{Resource}.{Group}";
            var matched = resources.Any(r => r == Resource || r == qualified
                || (Subresource is not null && (r == $"{Resource}/{Subresource}" || r == $"{qualified}/{Subresource}")));
            if (!matched)
            {
                return false;
            }
        }
        return true;
    }
}
