using AppKeys.LocalApiServer;
using AppKeys.Operator.Hosting;
using k8s;
using Microsoft.AspNetCore.Builder;

namespace AppKeys.E2E.Tests.Support;

/// <summary>
/// The install users get, minus the container: a local API server, `kubectl apply -k config/default` against it (CRDs,
/// namespace, RBAC, Deployment, Service are stored; nothing runs the Deployment), then the operator in process,
/// authenticated as the Deployment's ServiceAccount, with the flags the Deployment passes.
/// </summary>
internal sealed class InProcessOperator : IAsyncDisposable
{
    public const string OperatorNamespace = "appkeys-system";
    public const string ServiceAccount = "appkeys-operator";

    private readonly LocalKubernetesApiServer _server;
    private readonly DirectoryInfo _scratch;
    private WebApplication? _operator;

    private InProcessOperator(LocalKubernetesApiServer server, DirectoryInfo scratch, Kubectl kubectl)
    {
        _server = server;
        _scratch = scratch;
        Kubectl = kubectl;
    }

    /// <summary>kubectl 1.32 as the cluster admin of the local API server.</summary>
    public Kubectl Kubectl { get; }

    /// <summary>What the first <c>kubectl apply -k config/default</c> printed.</summary>
    public string ApplyOutput { get; private set; } = string.Empty;

    public static async Task<InProcessOperator> StartAsync()
    {
        var server = await LocalKubernetesApiServer.StartAsync(new LocalApiServerOptions());
        var scratch = Directory.CreateTempSubdirectory("appkeys-e2e-");
        var harness = new InProcessOperator(server, scratch, new Kubectl(server.WriteKubeconfig(Path.Combine(scratch.FullName, "kubeconfig"))));
        try
        {
            harness.ApplyOutput = (await harness.Kubectl.RunAsync(["apply", "-k", RepoPaths.Combine("config", "default")], timeout: TimeSpan.FromMinutes(2)))
                .EnsureSuccess().StdOut;
            await harness.StartOperatorAsync();
            return harness;
        }
        catch
        {
            await harness.DisposeAsync();
            throw;
        }
    }

    private async Task StartOperatorAsync()
    {
        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(Kubectl.Kubeconfig!);
        config.AccessToken = _server.IssueToken(
            $"system:serviceaccount:{OperatorNamespace}:{ServiceAccount}",
            ["system:serviceaccounts", $"system:serviceaccounts:{OperatorNamespace}", "system:authenticated"]);
        var options = new OperatorOptions
        {
            Namespace = OperatorNamespace,
            LeaderElect = true,
            Identity = "e2e-in-process",
            HttpAddress = "127.0.0.1",
            HttpPort = 0,
        };
        _operator = OperatorHost.Build(options, config);
        await _operator.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_operator is not null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
            await _operator.StopAsync(timeout.Token);
            await _operator.DisposeAsync();
        }

        Kubectl.Dispose();
        await _server.DisposeAsync();
        _scratch.Delete(recursive: true);
    }
}
