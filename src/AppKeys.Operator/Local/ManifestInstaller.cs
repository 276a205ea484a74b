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
