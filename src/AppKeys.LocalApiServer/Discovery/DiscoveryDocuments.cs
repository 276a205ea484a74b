using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Model;
using AppKeys.LocalApiServer.Resources;

namespace AppKeys.LocalApiServer.Discovery;

/// <summary>
/// Discovery documents for <c>/api</c>, <c>/apis</c>, <c>/api/v1</c> and <c>/apis/&lt;g&gt;/&lt;v&gt;</c>, in the
/// aggregated form (apidiscovery.k8s.io/v2, chosen by clients from the response Content-Type alone) and the legacy
/// form (client-go <c>discovery/aggregated_discovery.go</c>, <c>discovery_client.go</c>).
/// </summary>
public static class DiscoveryDocuments
{
    /// <summary>Content-Type of an aggregated discovery answer (v2).</summary>
    public const string AggregatedContentType = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

    /// <summary>Content-Type of the v2beta1 aggregated form (older clients ask for it).</summary>
    public const string AggregatedV2Beta1ContentType = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";

    /// <summary>Content-Type of legacy discovery.</summary>
    public const string LegacyContentType = "application/json";

    private static readonly string[] StatusVerbs = ["get", "patch", "update"];

    // kube-apiserver's group priorities (master.go), so that built-ins list in their usual order; others follow by name.
    private static readonly string[] GroupOrder =
    [
        "apiregistration.k8s.io", "apps", "events.k8s.io", "authentication.k8s.io", "authorization.k8s.io",
        "autoscaling", "batch", "certificates.k8s.io", "networking.k8s.io", "policy", "rbac.authorization.k8s.io",
        "storage.k8s.io", "admissionregistration.k8s.io", "apiextensions.k8s.io", "scheduling.k8s.io",
        "coordination.k8s.io", "node.k8s.io", "discovery.k8s.io", "flowcontrol.apiserver.k8s.io",
    ];

    /// <summary><c>GET /api</c> aggregated: the core group only.</summary>
    public static JsonObject AggregatedCore(IReadOnlyList<ApiResourceInfo> resources)
    {
        ArgumentNullException.ThrowIfNull(resources);
        return AggregatedList(resources.Where(r => r.Group.Length == 0));
    }

    /// <summary><c>GET /apis</c> aggregated: every named group.</summary>
    public static JsonObject AggregatedGroups(IReadOnlyList<ApiResourceInfo> resources)
    {
        ArgumentNullException.ThrowIfNull(resources);
        return AggregatedList(resources.Where(r => r.Group.Length > 0));
    }

    /// <summary><c>GET /api</c> legacy (<c>APIVersions</c>).</summary>
    public static JsonObject LegacyApiVersions(string serverAddress = "")
    {
        return new JsonObject
        {
            ["kind"] = "APIVersions",
            ["versions"] = new JsonArray("v1"),
            ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject
            {
                ["clientCIDR"] = "0.0.0.0/0",
                ["serverAddress"] = serverAddress,
            }),
        };
    }

    /// <summary><c>GET /apis</c> legacy (<c>APIGroupList</c>), preferred version first in each group.</summary>
    public static JsonObject LegacyGroupList(IReadOnlyList<ApiResourceInfo> resources)
    {
        ArgumentNullException.ThrowIfNull(resources);
        var groups = new JsonArray();
        foreach (var (group, versions) in Groups(resources.Where(r => r.Group.Length > 0)))
        {
            var versionList = new JsonArray();
            foreach (var v in versions)
            {
                versionList.Add(new JsonObject { ["groupVersion"] = $"{group}/{v.Key}", ["version"] = v.Key });
            }

            groups.Add(new JsonObject
            {
                ["name"] = group,
                ["versions"] = versionList,
                ["preferredVersion"] = new JsonObject { ["groupVersion"] = $"{group}/{versions[0].Key}", ["version"] = versions[0].Key },
            });
        }

        return new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = groups };
    }

    /// <summary><c>GET /api/v1</c> or <c>/apis/&lt;g&gt;/&lt;v&gt;</c> legacy (<c>APIResourceList</c>).</summary>
    public static JsonObject LegacyResourceList(string groupVersion, IReadOnlyList<ApiResourceInfo> resources)
    {
        ArgumentNullException.ThrowIfNull(resources);
        var list = new JsonArray();
        foreach (var r in resources.Where(r => r.GroupVersion == groupVersion).OrderBy(r => r.Plural, StringComparer.Ordinal))
        {
            var entry = new JsonObject
            {
                ["name"] = r.Plural,
                ["singularName"] = r.Singular,
                ["namespaced"] = r.Namespaced,
                ["kind"] = r.Kind,
                ["verbs"] = Strings(r.Verbs),
            };
            if (r.ShortNames.Count > 0)
            {
                entry["shortNames"] = Strings(r.ShortNames);
            }

            if (r.Categories.Count > 0)
            {
                entry["categories"] = Strings(r.Categories);
            }

            entry["storageVersionHash"] = StorageVersionHash(r.Group, r.Version, r.Kind);
            list.Add(entry);
            if (ResourceService.HasScale(r))
            {
                list.Add(new JsonObject
                {
                    ["name"] = r.Plural + "/scale",
                    ["singularName"] = string.Empty,
                    ["namespaced"] = r.Namespaced,
                    ["group"] = "autoscaling",
                    ["version"] = "v1",
                    ["kind"] = "Scale",
                    ["verbs"] = Strings(StatusVerbs),
                });
            }
            if (r.HasStatusSubresource)
            {
                list.Add(new JsonObject
                {
                    ["name"] = r.Plural + "/status",
                    ["singularName"] = string.Empty,
                    ["namespaced"] = r.Namespaced,
                    ["kind"] = r.Kind,
                    ["verbs"] = Strings(StatusVerbs),
                });
            }
        }

        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = groupVersion,
            ["resources"] = list,
        };
    }

    /// <summary>apiserver <c>discovery.StorageVersionHash</c>: base64 of the first 8 bytes of sha256("group/version/kind").</summary>
    public static string StorageVersionHash(string group, string version, string kind)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes($"{group}/{version}/{kind}"));
        return Convert.ToBase64String(bytes, 0, 8);
    }

    private static JsonObject AggregatedList(IEnumerable<ApiResourceInfo> resources)
    {
        var items = new JsonArray();
        foreach (var (group, versions) in Groups(resources))
        {
            var versionList = new JsonArray();
            foreach (var v in versions)
            {
                var list = new JsonArray();
                foreach (var r in v.OrderBy(r => r.Plural, StringComparer.Ordinal))
                {
                    list.Add(AggregatedResource(r));
                }

                versionList.Add(new JsonObject { ["version"] = v.Key, ["resources"] = list, ["freshness"] = "Current" });
            }

            items.Add(new JsonObject
            {
                ["metadata"] = new JsonObject { ["name"] = group, ["creationTimestamp"] = null },
                ["versions"] = versionList,
            });
        }

        return new JsonObject
        {
            ["kind"] = "APIGroupDiscoveryList",
            ["apiVersion"] = "apidiscovery.k8s.io/v2",
            ["metadata"] = new JsonObject(),
            ["items"] = items,
        };
    }

    private static JsonObject AggregatedResource(ApiResourceInfo r)
    {
        var entry = new JsonObject
        {
            ["resource"] = r.Plural,
            ["responseKind"] = ResponseKind(r),
            ["scope"] = r.Namespaced ? "Namespaced" : "Cluster",
            ["singularResource"] = r.Singular,
            ["verbs"] = Strings(r.Verbs),
        };
        if (r.ShortNames.Count > 0)
        {
            entry["shortNames"] = Strings(r.ShortNames);
        }

        if (r.Categories.Count > 0)
        {
            entry["categories"] = Strings(r.Categories);
        }

        var subresources = new JsonArray();
        if (ResourceService.HasScale(r))
        {
            subresources.Add(new JsonObject
            {
                ["subresource"] = "scale",
                ["responseKind"] = new JsonObject { ["group"] = "autoscaling", ["version"] = "v1", ["kind"] = "Scale" },
                ["verbs"] = Strings(StatusVerbs),
            });
        }
        if (r.HasStatusSubresource)
        {
            subresources.Add(new JsonObject
            {
                ["subresource"] = "status",
                ["responseKind"] = ResponseKind(r),
                ["verbs"] = Strings(StatusVerbs),
            });
        }
        if (subresources.Count > 0)
        {
            entry["subresources"] = subresources;
        }

        return entry;
    }

    private static JsonObject ResponseKind(ApiResourceInfo r) =>
        new() { ["group"] = r.Group, ["version"] = r.Version, ["kind"] = r.Kind };

    private static JsonArray Strings(IEnumerable<string> values) => [.. values.Select(v => (JsonNode)v)];

    // Groups in kube's order; versions by kube-aware priority so the preferred version comes first.
    private static List<(string Group, List<IGrouping<string, ApiResourceInfo>> Versions)> Groups(IEnumerable<ApiResourceInfo> resources) =>
        resources
            .GroupBy(r => r.Group, StringComparer.Ordinal)
            .OrderBy(g => g.Key.Length == 0 ? -1 : Array.IndexOf(GroupOrder, g.Key) is var i && i >= 0 ? i : GroupOrder.Length)
            .ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, g.GroupBy(r => r.Version, StringComparer.Ordinal)
                .OrderBy(v => v.Key, Comparer<string>.Create(KubeVersion.ComparePriority))
                .ToList()))
            .ToList();
}
