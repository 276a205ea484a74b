using System.Net;
using System.Text.Json.Nodes;
using AppKeys.Operator.Apis;
using AppKeys.Operator.Crds;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace AppKeys.Operator.Local;

/// <summary>Installs the CRDs and applies sample manifests (local mode and integration tests).</summary>
public static class ManifestInstaller
{
    /// <summary>Creates (or replaces) every CRD in <paramref name="directory"/> and waits until each is Established.</summary>
    public static async Task<IReadOnlyList<string>> InstallCrdsAsync(IKubernetes client, string directory, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        foreach (var document in ReadDirectory(directory))
        {
            var crd = YamlManifests.Deserialize<V1CustomResourceDefinition>(document);
            try
            {
                await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd, cancellationToken: cancellationToken);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
            {
                var existing = await client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(crd.Metadata.Name, cancellationToken: cancellationToken);
                crd.Metadata.ResourceVersion = existing.Metadata.ResourceVersion;
                await client.ApiextensionsV1.ReplaceCustomResourceDefinitionAsync(crd, crd.Metadata.Name, cancellationToken: cancellationToken);
            }

            names.Add(crd.Metadata.Name);
        }

        foreach (var name in names)
        {
            await WaitEstablishedAsync(client, name, cancellationToken);
        }

        return names;
    }

    /// <summary>Creates the appkeys.io objects in <paramref name="directory"/> (in <paramref name="defaultNamespace"/> unless they name one); existing ones are left alone.</summary>
    public static async Task<IReadOnlyList<string>> ApplySamplesAsync(IKubernetes client, string directory, string defaultNamespace, CancellationToken cancellationToken)
    {
        var applied = new List<string>();
        foreach (var document in ReadDirectory(directory))
        {
            var kind = document["kind"]?.GetValue<string>();
            var plural = kind switch
            {
                AppKeysApi.ApplicationKind => AppKeysApi.ApplicationPlural,
                AppKeysApi.ApplicationKeyKind => AppKeysApi.ApplicationKeyPlural,
                _ => throw new InvalidOperationException($"{directory}: only {AppKeysApi.ApiVersion} objects are supported, not {kind}"),
            };
            var metadata = document["metadata"] as JsonObject ?? throw new InvalidOperationException($"{directory}: a {kind} has no metadata");
            var ns = metadata["namespace"]?.GetValue<string>() ?? defaultNamespace;
            metadata["namespace"] = ns;
            try
            {
                await client.CustomObjects.CreateNamespacedCustomObjectAsync(document, AppKeysApi.Group, AppKeysApi.Version, ns, plural, cancellationToken: cancellationToken);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
            {
                // Already there: samples are only ever created.
            }

            applied.Add($"{kind} {ns}/{metadata["name"]}");
        }

        return applied;
    }

    /// <summary>The objects a kustomization lists, in its order (its <c>resources</c> files; nested kustomizations are not followed).</summary>
    public static IReadOnlyList<JsonObject> ReadKustomization(string directory)
    {
        var kustomization = YamlManifests.ReadDocuments(File.ReadAllText(Path.Combine(directory, "kustomization.yaml"))).Single();
        return [.. (kustomization["resources"] as JsonArray ?? [])
            .Select(r => (string)r!)
            .SelectMany(f => YamlManifests.ReadDocuments(File.ReadAllText(Path.Combine(directory, f))))];
    }

    /// <summary>Creates, or replaces when they exist, ServiceAccounts and RBAC objects (what config/rbac holds).</summary>
    public static async Task ApplyRbacAsync(IKubernetes client, IEnumerable<JsonObject> objects, CancellationToken cancellationToken)
    {
        foreach (var document in objects)
        {
            var ns = document["metadata"]?["namespace"]?.GetValue<string>();
            var name = document["metadata"]?["name"]?.GetValue<string>() ?? throw new InvalidOperationException("an RBAC object has no name");
            switch (document["kind"]?.GetValue<string>())
            {
                case "ServiceAccount":
                    await CreateOrReplaceAsync(
                        YamlManifests.Deserialize<V1ServiceAccount>(document),
                        o => client.CoreV1.CreateNamespacedServiceAccountAsync(o, ns, cancellationToken: cancellationToken),
                        () => client.CoreV1.ReadNamespacedServiceAccountAsync(name, ns, cancellationToken: cancellationToken),
                        o => client.CoreV1.ReplaceNamespacedServiceAccountAsync(o, name, ns, cancellationToken: cancellationToken));
                    break;
                case "Role":
                    await CreateOrReplaceAsync(
                        YamlManifests.Deserialize<V1Role>(document),
                        o => client.RbacAuthorizationV1.CreateNamespacedRoleAsync(o, ns, cancellationToken: cancellationToken),
                        () => client.RbacAuthorizationV1.ReadNamespacedRoleAsync(name, ns, cancellationToken: cancellationToken),
                        o => client.RbacAuthorizationV1.ReplaceNamespacedRoleAsync(o, name, ns, cancellationToken: cancellationToken));
                    break;
                case "RoleBinding":
                    await CreateOrReplaceAsync(
                        YamlManifests.Deserialize<V1RoleBinding>(document),
                        o => client.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(o, ns, cancellationToken: cancellationToken),
                        () => client.RbacAuthorizationV1.ReadNamespacedRoleBindingAsync(name, ns, cancellationToken: cancellationToken),
                        o => client.RbacAuthorizationV1.ReplaceNamespacedRoleBindingAsync(o, name, ns, cancellationToken: cancellationToken));
                    break;
                case "ClusterRole":
                    await CreateOrReplaceAsync(
                        YamlManifests.Deserialize<V1ClusterRole>(document),
                        o => client.RbacAuthorizationV1.CreateClusterRoleAsync(o, cancellationToken: cancellationToken),
                        () => client.RbacAuthorizationV1.ReadClusterRoleAsync(name, cancellationToken: cancellationToken),
                        o => client.RbacAuthorizationV1.ReplaceClusterRoleAsync(o, name, cancellationToken: cancellationToken));
                    break;
                case "ClusterRoleBinding":
                    await CreateOrReplaceAsync(
                        YamlManifests.Deserialize<V1ClusterRoleBinding>(document),
                        o => client.RbacAuthorizationV1.CreateClusterRoleBindingAsync(o, cancellationToken: cancellationToken),
                        () => client.RbacAuthorizationV1.ReadClusterRoleBindingAsync(name, cancellationToken: cancellationToken),
                        o => client.RbacAuthorizationV1.ReplaceClusterRoleBindingAsync(o, name, cancellationToken: cancellationToken));
                    break;
                case var kind:
                    throw new InvalidOperationException($"only ServiceAccounts and RBAC objects are applied here, not {kind} {name}");
            }
        }
    }

    public static async Task EnsureNamespaceAsync(IKubernetes client, string name, CancellationToken cancellationToken)
    {
        try
        {
            await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } }, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
        }
    }

    private static async Task CreateOrReplaceAsync<T>(T obj, Func<T, Task<T>> create, Func<Task<T>> read, Func<T, Task<T>> replace)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        try
        {
            await create(obj);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            obj.Metadata.ResourceVersion = (await read()).Metadata.ResourceVersion;
            await replace(obj);
        }
    }

    private static IEnumerable<JsonObject> ReadDirectory(string directory) =>
        Directory.GetFiles(directory, "*.yaml")
            .Where(f => !Path.GetFileName(f).StartsWith("kustomization", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .SelectMany(f => YamlManifests.ReadDocuments(File.ReadAllText(f)));

    private static async Task WaitEstablishedAsync(IKubernetes client, string name, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var crd = await client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(name, cancellationToken: cancellationToken);
            if (crd.Status?.Conditions?.Any(c => c.Type == "Established" && c.Status == "True") == true)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"CRD {name} was not Established within 30 s");
            }

            await Task.Delay(100, cancellationToken);
        }
    }
}
