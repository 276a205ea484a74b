using AppKeys.Operator.Apis;
using AppKeys.Operator.Dev;
using AppKeys.Operator.Hosting;
using AppKeys.Operator.Tests.TestSupport;
using AppKeys.Runtime.Client;
using k8s;
using Microsoft.Extensions.DependencyInjection;

namespace AppKeys.Operator.Tests.Dev;

/// <summary><c>make run DATA_DIR=...</c>: the samples seed a new data directory only; a restart keeps what the user did to them.</summary>
public sealed class LocalModeTests
{
    [Fact]
    public async Task Samples_are_applied_into_an_empty_data_directory_only()
    {
        var scratch = Directory.CreateTempSubdirectory("appkeys-local-mode-");
        try
        {
            DevOptions Options() => new()
            {
                Operator = new OperatorOptions { HttpPort = 0, HttpAddress = "127.0.0.1" },
                LocalKubeconfigPath = Path.Combine(scratch.FullName, "kubeconfig"),
                LocalDataDirectory = Path.Combine(scratch.FullName, "data"),
                CrdDirectory = RepositoryRoot.Combine("config", "crd", "bases"),
                SamplesDirectory = RepositoryRoot.Combine("config", "samples"),
            };

            string deleted;
            await using (var first = await LocalMode.StartAsync(Options(), CancellationToken.None))
            {
                Assert.NotEmpty(first.Samples);
                using var admin = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(first.KubeconfigPath));
                var keys = new ResourceClient<V1Alpha1ApplicationKey>(new KubernetesTransport(admin));
                deleted = (await keys.ListAsync("default")).Items[0].Metadata.Name;
                await keys.DeleteAsync(deleted, "default");
            }

            await using var second = await LocalMode.StartAsync(Options(), CancellationToken.None);
            Assert.Empty(second.Samples);
            using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(second.KubeconfigPath));
            var after = await new ResourceClient<V1Alpha1ApplicationKey>(new KubernetesTransport(client)).ListAsync("default");
            Assert.DoesNotContain(after.Items, k => k.Metadata.Name == deleted);
            Assert.NotEmpty(after.Items);
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_lost_lease_does_not_end_local_mode_the_operator_campaigns_again()
    {
        var scratch = Directory.CreateTempSubdirectory("appkeys-local-lease-");
        try
        {
            await using var local = await LocalMode.StartAsync(
                new DevOptions
                {
                    Operator = new OperatorOptions { HttpPort = 0, HttpAddress = "127.0.0.1", Identity = "dev" },
                    LocalKubeconfigPath = Path.Combine(scratch.FullName, "kubeconfig"),
                    CrdDirectory = RepositoryRoot.Combine("config", "crd", "bases"),
                    SamplesDirectory = RepositoryRoot.Combine("config", "samples"),
                },
                CancellationToken.None);
            using var admin = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(local.KubeconfigPath));
            var leases = new ResourceClient<k8s.Models.V1Lease>(new KubernetesTransport(admin));
            await Eventually.GetAsync(() => leases.GetAsync("appkeys-operator-leader", "appkeys-system"), l => l?.Spec.HolderIdentity == "dev", "the dev operator leading");

            // Someone takes the lease for two seconds.
            var lease = (await leases.GetAsync("appkeys-operator-leader", "appkeys-system"))!;
            lease.Spec.HolderIdentity = "intruder";
            lease.Spec.LeaseDurationSeconds = 2;
            lease.Spec.RenewTime = DateTime.UtcNow;
            await leases.ReplaceAsync(lease);
            await Eventually.GetAsync(() => leases.GetAsync("appkeys-operator-leader", "appkeys-system"), l => l?.Spec.HolderIdentity == "dev", "the dev operator leading again", TimeSpan.FromSeconds(60));

            // The process, its API server and its operator are still there and working.
            var keys = new ResourceClient<V1Alpha1ApplicationKey>(new KubernetesTransport(admin));
            Assert.NotEmpty((await keys.ListAsync("default")).Items);
            Assert.False(local.Operator.Services.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested);
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }
}
