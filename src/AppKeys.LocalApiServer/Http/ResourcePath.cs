namespace AppKeys.LocalApiServer.Http;

/// <summary>A parsed resource URL: <c>/api/v1/...</c> or <c>/apis/{group}/{version}/...</c> (apiserver RequestInfoFactory).</summary>
public sealed record ResourcePath(string Group, string Version, string Plural, string? Namespace, string? Name, string? Subresource, bool LegacyWatch)
{
    /// <summary>Parses the segments after the group-version prefix; null when they do not form a resource path.</summary>
    public static ResourcePath? Parse(string group, string version, ReadOnlySpan<string> rest)
    {
        var legacyWatch = false;
        if (rest.Length > 0 && rest[0] == "watch")
        {
            legacyWatch = true;
            rest = rest[1..];
        }
        if (rest.Length == 0 || rest.Length > 5)
        {
            return null;
        }
        // namespaces/{ns}/{plural}... unless the third part is a namespace subresource (status, finalize).
        if (rest[0] == "namespaces" && rest.Length >= 3 && !(rest.Length == 3 && rest[2] is "status" or "finalize"))
        {
            var ns = rest[1];
            var plural = rest[2];
            return rest.Length switch
            {
                3 => new ResourcePath(group, version, plural, ns, null, null, legacyWatch),
                4 => new ResourcePath(group, version, plural, ns, rest[3], null, legacyWatch),
                5 => new ResourcePath(group, version, plural, ns, rest[3], rest[4], legacyWatch),
                _ => null,
            };
        }
        return rest.Length switch
        {
            1 => new ResourcePath(group, version, rest[0], null, null, null, legacyWatch),
            2 => new ResourcePath(group, version, rest[0], null, rest[1], null, legacyWatch),
            3 => new ResourcePath(group, version, rest[0], null, rest[1], rest[2], legacyWatch),
            _ => null,
        };
    }
}
