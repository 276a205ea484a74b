using AppKeys.Runtime.Client;
using AppKeys.Runtime.Tests.TestSupport;
using k8s.Models;

namespace AppKeys.Runtime.Tests.Integration;

public class ResourceClientTests
{
    [Fact]
    public async Task Crud_status_conflicts_and_not_found_against_the_local_api_server()
    {
        await using var local = await LocalServer.StartAsync();
        var configMaps = new ResourceClient<V1ConfigMap>(local.Connect().Transport);

        Assert.Null(await configMaps.GetAsync("missing", "default"));
        var created = await configMaps.CreateAsync(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = "a", NamespaceProperty = "default", Labels = new Dictionary<string, string> { ["app"] = "x" } },
            Data = new Dictionary<string, string> { ["k"] = "v1" },
        });
        Assert.False(string.IsNullOrEmpty(created.Metadata.Uid));
        Assert.Equal("ConfigMap", created.Kind);

        var stale = KubernetesObjects.Clone(created);
        created.Data["k"] = "v2";
        var replaced = await configMaps.ReplaceAsync(created);
        stale.Data["k"] = "v3";
        var conflict = await Assert.ThrowsAsync<KubernetesApiException>(() => configMaps.ReplaceAsync(stale));
        Assert.True(conflict.IsConflict);
        var exists = await Assert.ThrowsAsync<KubernetesApiException>(() => configMaps.CreateAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "a", NamespaceProperty = "default" } }));
        Assert.True(exists.IsAlreadyExists);

        var patched = await configMaps.PatchAsync("a", "default", new ResourcePatch("{\"data\":{\"p\":\"1\"}}", ResourcePatchType.MergePatch));
        Assert.Equal("v2", patched.Data["k"]);
        Assert.Equal("1", patched.Data["p"]);

        await configMaps.CreateAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "b", NamespaceProperty = "default" } });
        var selected = await configMaps.ListAsync("default", new ListOptions(LabelSelector: "app=x"));
        Assert.Equal(["a"], selected.Items.Select(i => i.Metadata.Name));
        Assert.False(string.IsNullOrEmpty(selected.ResourceVersion));
        Assert.NotEqual(replaced.Metadata.ResourceVersion, patched.Metadata.ResourceVersion);

        Assert.True(await configMaps.DeleteAsync("a", "default"));
        Assert.False(await configMaps.DeleteAsync("a", "default"));
        Assert.Null(await configMaps.GetAsync("a", "default"));
    }

    [Fact]
    public async Task A_watch_from_an_expired_resource_version_throws_gone()
    {
        await using var local = await LocalServer.StartAsync(eventWindow: 3);
        var configMaps = new ResourceClient<V1ConfigMap>(local.Connect().Transport);
        var start = await configMaps.ListAsync("default");
        for (var i = 0; i < 10; i++)
        {
            await configMaps.CreateAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = $"c{i}", NamespaceProperty = "default" } });
        }

        var error = await Assert.ThrowsAsync<KubernetesApiException>(async () =>
        {
            await foreach (var e in configMaps.WatchAsync("default", new ListOptions(ResourceVersion: start.ResourceVersion), 5))
            {
                Assert.Fail($"unexpected {e.Type}");
            }
        });
        Assert.True(error.IsGone, $"{error.StatusCode} {error.Message}");
    }
}
