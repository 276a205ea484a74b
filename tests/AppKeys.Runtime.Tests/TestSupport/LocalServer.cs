using System.Text;
using AppKeys.LocalApiServer;
using AppKeys.Runtime.Client;
using k8s;

namespace AppKeys.Runtime.Tests.TestSupport;

/// <summary>Starts the local API server and builds clients for it (each with its own fault injection).</summary>
internal sealed class LocalServer : IAsyncDisposable
{
    private readonly List<Kubernetes> clients = [];

    private LocalServer(LocalKubernetesApiServer server) => Server = server;

    public LocalKubernetesApiServer Server { get; }

    public static async Task<LocalServer> StartAsync(int eventWindow = 1000) =>
        new(await LocalKubernetesApiServer.StartAsync(new LocalApiServerOptions { EventWindow = eventWindow }));

    /// <summary>Client configuration for the server (admin token, its CA), e.g. for <c>ControllerRuntimeOptions.Kubernetes</c>.</summary>
    public KubernetesClientConfiguration Config()
    {
        using var kubeconfig = new MemoryStream(Encoding.UTF8.GetBytes(Server.KubeconfigYaml));
        return KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig);
    }

    public (KubernetesTransport Transport, FaultInjectionHandler Faults) Connect()
    {
        var config = Config();
        var faults = new FaultInjectionHandler();
        var kubernetes = new Kubernetes(config, faults);
        clients.Add(kubernetes);
        return (new KubernetesTransport(kubernetes), faults);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in clients)
        {
            client.Dispose();
        }

        await Server.DisposeAsync();
    }
}
