using AppKeys.Operator.Apis;
using AppKeys.Operator.Dev;
using AppKeys.Operator.Hosting;
using AppKeys.Runtime.Client;
using k8s;

namespace AppKeys.Operator.Tests.LeastPrivilege;

/// <summary><c>make run RBAC=1</c>: local mode under config/rbac brings every sample to Ready with no request denied.</summary>
[Collection(LeastPrivilegeCollection.Name)]
public sealed class LocalRbacModeTests
{
    [Fact]
    public async Task Local_mode_with_rbac_runs_the_samples_as_the_service_account_without_a_denial()
    {
        var kubeconfig = Path.Combine(Directory.CreateTempSubdirectory("appkeys-local-rbac-").FullName, "kubeconfig");
        var options = new DevOptions
        {
            Operator = new OperatorOptions { HttpPort = 0, HttpAddress = "127.0.0.1" },
            LocalRbac = true,
            LocalKubeconfigPath = kubeconfig,
            CrdDirectory = RepositoryRoot.Combine("config", "crd", "bases"),
            SamplesDirectory = RepositoryRoot.Combine("config", "samples"),
            RbacDirectory = RepositoryRoot.Combine("config", "rbac"),
        };
        await using var local = await LocalMode.StartAsync(options, CancellationToken.None);
        using var admin = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
        var keys = new ResourceClient<V1Alpha1ApplicationKey>(new KubernetesTransport(admin));

        var sampleKeys = local.Samples.Count(s => s.StartsWith(AppKeysApi.ApplicationKeyKind + " ", StringComparison.Ordinal));
        Assert.True(sampleKeys > 0, string.Join(", ", local.Samples));
        await Eventually.GetAsync(
            async () => (await keys.ListAsync(null)).Items,
            items => items?.Count == sampleKeys && items.All(k => k.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true),
            $"all {sampleKeys} sample keys Ready");

        // make run serves the key manager: .local/issuer and .local/ca.crt are what a client needs.
        var issuer = (await File.ReadAllTextAsync(local.IssuerPath)).Trim();
        Assert.Equal(options.Operator.Issuer, issuer);
        Assert.StartsWith("https://127.0.0.1:", issuer, StringComparison.Ordinal);
        using var http = TrustingHttpClient.Create(await File.ReadAllTextAsync(local.CaPath));
        var discovery = await Duende.IdentityModel.Client.HttpClientDiscoveryExtensions.GetDiscoveryDocumentAsync(http, issuer);
        Assert.False(discovery.IsError, discovery.Error);

        Assert.True(local.Server.Denials.Total == 0, string.Join("; ", local.Server.Denials.Denied));
    }
}
