using AppKeys.LocalApiServer.Discovery;
using AppKeys.LocalApiServer.Model;
using static AppKeys.LocalApiServer.Tests.Support.TestResources;

namespace AppKeys.LocalApiServer.Tests.Discovery;

public class DiscoveryDocumentsTests
{
    private static readonly ApiResourceInfo Secret = BuiltIn("", "v1", "Secret");
    private static readonly ApiResourceInfo Namespace = BuiltIn("", "v1", "Namespace", namespaced: false) with { ShortNames = ["ns"] };
    private static readonly ApiResourceInfo Lease = BuiltIn("coordination.k8s.io", "v1", "Lease");
    private static readonly ApiResourceInfo Deploy = Deployment with { ShortNames = ["deploy"], Categories = ["all"], HasStatusSubresource = true };
    private static readonly ApiResourceInfo KeyV1 = ApplicationKey() with { Version = "v1" };

    private static IReadOnlyList<ApiResourceInfo> All => [Secret, Namespace, Lease, Deploy, ApplicationKey(), KeyV1];

    [Fact]
    public void Aggregated_core_lists_only_the_core_group()
    {
        var doc = DiscoveryDocuments.AggregatedCore(All);
        Assert.Equal("APIGroupDiscoveryList", (string?)doc["kind"]);
        Assert.Equal("apidiscovery.k8s.io/v2", (string?)doc["apiVersion"]);
        var item = Assert.Single(doc["items"]!.AsArray())!;
        Assert.Equal("", (string?)item["metadata"]!["name"]);
        var version = Assert.Single(item["versions"]!.AsArray())!;
        Assert.Equal("Current", (string?)version["freshness"]);
        AssertJsonEqual("""
            [{"resource":"namespaces","responseKind":{"group":"","version":"v1","kind":"Namespace"},"scope":"Cluster","singularResource":"namespace",
              "verbs":["create","delete","deletecollection","get","list","patch","update","watch"],"shortNames":["ns"]},
             {"resource":"secrets","responseKind":{"group":"","version":"v1","kind":"Secret"},"scope":"Namespaced","singularResource":"secret",
              "verbs":["create","delete","deletecollection","get","list","patch","update","watch"]}]
            """, version["resources"]);
    }

    [Fact]
    public void Aggregated_groups_order_groups_and_prefer_the_highest_version()
    {
        var doc = DiscoveryDocuments.AggregatedGroups(All);
        var groups = doc["items"]!.AsArray().Select(i => (string)i!["metadata"]!["name"]!).ToArray();
        Assert.Equal(["apps", "coordination.k8s.io", "appkeys.io"], groups);
        var appkeys = doc["items"]![2]!;
        Assert.Equal(["v1", "v1alpha1"], appkeys["versions"]!.AsArray().Select(v => (string)v!["version"]!).ToArray());
        var deployment = doc["items"]![0]!["versions"]![0]!["resources"]![0]!;
        AssertJsonEqual("""
            [{"subresource":"scale","responseKind":{"group":"autoscaling","version":"v1","kind":"Scale"},"verbs":["get","patch","update"]},
             {"subresource":"status","responseKind":{"group":"apps","version":"v1","kind":"Deployment"},"verbs":["get","patch","update"]}]
            """,
            deployment["subresources"]);
        AssertJsonEqual("""["all"]""", deployment["categories"]);
    }

    [Fact]
    public void Legacy_documents()
    {
        AssertJsonEqual("""{"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[{"clientCIDR":"0.0.0.0/0","serverAddress":"127.0.0.1:6443"}]}""",
            DiscoveryDocuments.LegacyApiVersions("127.0.0.1:6443"));
        var groups = DiscoveryDocuments.LegacyGroupList(All);
        AssertJsonEqual("""
            {"name":"appkeys.io","versions":[{"groupVersion":"appkeys.io/v1","version":"v1"},{"groupVersion":"appkeys.io/v1alpha1","version":"v1alpha1"}],
             "preferredVersion":{"groupVersion":"appkeys.io/v1","version":"v1"}}
            """, groups["groups"]![2]);
        var list = DiscoveryDocuments.LegacyResourceList("apps/v1", All);
        Assert.Equal("APIResourceList", (string?)list["kind"]);
        Assert.Equal(["deployments", "deployments/scale", "deployments/status"], list["resources"]!.AsArray().Select(r => (string)r!["name"]!).ToArray());
        Assert.Equal(DiscoveryDocuments.StorageVersionHash("apps", "v1", "Deployment"), (string?)list["resources"]![0]!["storageVersionHash"]);
        AssertJsonEqual("""{"name":"deployments/scale","singularName":"","namespaced":true,"group":"autoscaling","version":"v1","kind":"Scale","verbs":["get","patch","update"]}""",
            list["resources"]![1]);
        AssertJsonEqual("""["get","patch","update"]""", list["resources"]![2]!["verbs"]);
    }

    [Fact]
    public void Content_types_are_exact()
    {
        Assert.Equal("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList", DiscoveryDocuments.AggregatedContentType);
        Assert.Equal("application/json", DiscoveryDocuments.LegacyContentType);
    }

    // Values served by real clusters in APIResourceList.storageVersionHash.
    [Theory]
    [InlineData("", "v1", "ConfigMap", "qFsyl6wFWjQ=")]
    [InlineData("", "v1", "Secret", "S6u1pOWzb84=")]
    [InlineData("", "v1", "Namespace", "Q3oi5N2YM8M=")]
    [InlineData("", "v1", "Pod", "xPOwRZ+Yhw8=")]
    public void Storage_version_hash_matches_kube(string group, string version, string kind, string expected)
    {
        Assert.Equal(expected, DiscoveryDocuments.StorageVersionHash(group, version, kind));
    }

    [Theory]
    [InlineData("v1", "v1alpha1", -1)]
    [InlineData("v2", "v1", -1)]
    [InlineData("v1beta1", "v1alpha2", -1)]
    [InlineData("v1beta2", "v1beta1", -1)]
    [InlineData("v1alpha1", "v1", 1)]
    [InlineData("v12alpha1", "v11beta1", 1)]
    [InlineData("v1", "foo", -1)]
    [InlineData("bar", "foo", -1)]
    public void Orders_versions_like_kube(string a, string b, int sign)
    {
        Assert.Equal(sign, Math.Sign(KubeVersion.ComparePriority(a, b)));
    }
}
