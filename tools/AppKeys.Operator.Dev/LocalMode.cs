using AppKeys.LocalApiServer;
using AppKeys.LocalApiServer.Authorization;
using AppKeys.Operator.Hosting;
using AppKeys.Runtime.LeaderElection;
using k8s;

namespace AppKeys.Operator.Dev;

/// <summary>
/// What <c>make run</c> does (<c>appkeys-operator-dev</c>): an in-process local API server with the CRDs and samples installed,
/// its kubeconfig written to <c>.local/kubeconfig</c>, and the operator running against it until Ctrl-C. With
/// <c>--local-rbac</c> the server enforces RBAC (and OwnerReferencesPermissionEnforcement), config/rbac is applied,
/// and the operator runs as its ServiceAccount, as in a cluster.
/// </summary>
public static class LocalMode
{
    /// <summary>The ServiceAccount config/rbac binds (the operator's identity with <c>--local-rbac</c>).</summary>
    public const string ServiceAccountUser = "system:serviceaccount:appkeys-system:appkeys-operator";

    public static async Task<int> RunAsync(DevOptions options, CancellationToken cancellationToken)
    {
        await using var local = await StartAsync(options, cancellationToken);
        Console.WriteLine($"""

            appkeys-operator local mode
              API server:  {local.Server.BaseAddress}
              kubeconfig:  {local.KubeconfigPath}
              state:       {(local.Server.DataDirectory is null ? "in memory, lost at exit (--local-data-dir DIR or make run DATA_DIR=DIR keeps it)" : $"{local.Server.DataDirectory} (kept across runs)")}
              RBAC:        {(options.LocalRbac ? $"on: the operator runs as {ServiceAccountUser} under config/rbac" : "off: the operator runs as the admin (--local-rbac or make run RBAC=1 turns it on)")}
              samples:     {(local.Server.Recovery is { FoundState: true } ? $"not applied: {local.Server.DataDirectory} already held state" : $"{local.Samples.Count} objects from {options.SamplesDirectory} in namespace default")}
              JWKS:        http://{options.Operator.HttpAddress}:{options.Operator.HttpPort}{OperatorHost.JwksPath}

            In another shell:
              export KUBECONFIG={local.KubeconfigPath}
              kubectl get applications,applicationkeys -A   # both kinds; the category: kubectl get appkeys -A
              kubectl get applicationkeys -o wide
              kubectl describe applicationkey storefront-production
              kubectl get secret storefront-production -o jsonpath='{"{.data.accessToken}"}' | base64 -d

            Ctrl-C stops the operator and the local API server.

            """);
        await local.Operator.WaitForShutdownAsync(cancellationToken);
        return 0;
    }

    /// <summary>Starts the server, installs CRDs, RBAC (with <see cref="DevOptions.LocalRbac"/>) and samples, and starts the operator.</summary>
    public static async Task<LocalEnvironment> StartAsync(DevOptions options, CancellationToken cancellationToken)
    {
        // `dotnet run` may start in the project directory: relative paths are resolved against the checkout root.
        var root = FindRoot(options.CrdDirectory);
        options.CrdDirectory = Path.GetFullPath(options.CrdDirectory, root);
        options.SamplesDirectory = Path.GetFullPath(options.SamplesDirectory, root);
        options.RbacDirectory = Path.GetFullPath(options.RbacDirectory, root);
        var kubeconfigPath = Path.GetFullPath(options.LocalKubeconfigPath, root);
        var dataDirectory = options.LocalDataDirectory is { } dir ? Path.GetFullPath(dir, root) : null;
        if (options.LocalRbac && options.Operator.Namespace != "appkeys-system")
        {
            throw new ArgumentException("--local-rbac applies config/rbac, whose operator namespace is appkeys-system: do not change --namespace");
        }

        var server = await LocalKubernetesApiServer.StartAsync(
            new LocalApiServerOptions
            {
                DataDirectory = dataDirectory,
                Authorization = options.LocalRbac ? AuthorizationMode.Rbac : AuthorizationMode.AllowAll,
                OwnerReferencesPermissionEnforcement = options.LocalRbac,
            },
            cancellationToken);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(kubeconfigPath)!);
            server.WriteKubeconfig(kubeconfigPath);
            var admin = KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfigPath);
            IReadOnlyList<string> samples;
            using (var client = new Kubernetes(admin))
            {
                await ManifestInstaller.InstallCrdsAsync(client, options.CrdDirectory, cancellationToken);
                await ManifestInstaller.EnsureNamespaceAsync(client, options.Operator.Namespace, cancellationToken);
                if (options.LocalRbac)
                {
                    await ManifestInstaller.ApplyRbacAsync(client, ManifestFiles.ReadKustomization(options.RbacDirectory), cancellationToken);
                }

                // Samples seed a new world only: a kept data directory already holds what the user made of them
                // (a deleted sample stays deleted).
                samples = server.Recovery is { FoundState: true }
                    ? []
                    : await ManifestInstaller.ApplySamplesAsync(client, options.SamplesDirectory, "default", cancellationToken);
            }

            var config = options.LocalRbac
                ? new KubernetesClientConfiguration { Host = admin.Host, SslCaCerts = admin.SslCaCerts, AccessToken = server.IssueToken(ServiceAccountUser) }
                : admin;
            // A lost lease (someone edited it) must not take the in-process API server and its state down with it:
            // the operator stops writing at once, as everywhere, then campaigns again instead of exiting.
            options.Operator.OnLostLeadership = LostLeadershipAction.Campaign;
            var app = OperatorHost.Build(options.Operator, config);
            await app.StartAsync(cancellationToken);
            return new LocalEnvironment(server, app, kubeconfigPath, samples);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>The nearest directory, from the current one upwards, that contains <paramref name="relative"/>.</summary>
    private static string FindRoot(string relative)
    {
        if (Path.IsPathRooted(relative))
        {
            return Directory.GetCurrentDirectory();
        }

        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, relative)))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"{relative} not found in {Directory.GetCurrentDirectory()} or above; run from the repository checkout or pass --crds/--samples");
    }
}

/// <summary>A running local mode: the server, the operator, the admin kubeconfig and the samples applied.</summary>
public sealed class LocalEnvironment(LocalKubernetesApiServer server, WebApplication @operator, string kubeconfigPath, IReadOnlyList<string> samples) : IAsyncDisposable
{
    public LocalKubernetesApiServer Server { get; } = server;

    public WebApplication Operator { get; } = @operator;

    public string KubeconfigPath { get; } = kubeconfigPath;

    public IReadOnlyList<string> Samples { get; } = samples;

    public async ValueTask DisposeAsync()
    {
        await Operator.StopAsync();
        await Operator.DisposeAsync();
        await Server.DisposeAsync();
    }
}
