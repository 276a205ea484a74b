using AppKeys.LocalApiServer;
using AppKeys.Operator.Hosting;
using k8s;

namespace AppKeys.Operator.Local;

/// <summary>
/// <c>--local</c> (what <c>make run</c> does): an in-process local API server with the CRDs and samples installed,
/// its kubeconfig written to <c>.local/kubeconfig</c>, and the operator running against it until Ctrl-C.
/// </summary>
public static class LocalMode
{
    public static async Task<int> RunAsync(OperatorOptions options, CancellationToken cancellationToken)
    {
        // `dotnet run` may start in the project directory: relative paths are resolved against the checkout root.
        var root = FindRoot(options.CrdDirectory);
        options.CrdDirectory = Path.GetFullPath(options.CrdDirectory, root);
        options.SamplesDirectory = Path.GetFullPath(options.SamplesDirectory, root);
        var kubeconfigPath = Path.GetFullPath(options.LocalKubeconfigPath, root);
        var dataDirectory = options.LocalDataDirectory is { } dir ? Path.GetFullPath(dir, root) : null;

        await using var server = await LocalKubernetesApiServer.StartAsync(new LocalApiServerOptions { DataDirectory = dataDirectory }, cancellationToken);
        Directory.CreateDirectory(Path.GetDirectoryName(kubeconfigPath)!);
        server.WriteKubeconfig(kubeconfigPath);

        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfigPath);
        using (var client = new Kubernetes(config))
        {
            await ManifestInstaller.InstallCrdsAsync(client, options.CrdDirectory, cancellationToken);
            await ManifestInstaller.EnsureNamespaceAsync(client, options.Namespace, cancellationToken);
            var applied = await ManifestInstaller.ApplySamplesAsync(client, options.SamplesDirectory, "default", cancellationToken);
            Console.WriteLine($"""

                appkeys-operator local mode
                  API server:  {server.BaseAddress}
                  kubeconfig:  {kubeconfigPath}
                  state:       {(dataDirectory is null ? "in memory, lost at exit (--local-data-dir DIR or make run DATA_DIR=DIR keeps it)" : $"{dataDirectory} (kept across runs)")}
                  samples:     {applied.Count} objects from {options.SamplesDirectory} in namespace default
                  JWKS:        http://127.0.0.1:{options.HttpPort}{OperatorHost.JwksPath}

                In another shell:
                  export KUBECONFIG={kubeconfigPath}
                  kubectl get applicationkeys -A          # or: kubectl get appkeys -A
                  kubectl get applicationkeys -o wide
                  kubectl describe applicationkey storefront-production
                  kubectl get secret storefront-production -o jsonpath='{"{.data.accessToken}"}' | base64 -d

                Ctrl-C stops the operator and the local API server.

                """);
        }

        var app = OperatorHost.Build(options, config);
        await app.RunAsync(cancellationToken);
        return 0;
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
