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

    /// <summary>
    /// Whether the local API server serves <c>/openapi/v3</c>, which kubectl's default (validating) apply needs; when it
    /// does not, the install is applied with <c>--validate=false</c> and the strict apply test says it skipped.
    /// </summary>
    public bool OpenApiServed { get; private set; }

    /// <summary>Why kubectl cannot drive the local API server yet (null when it can); the operator is not started then.</summary>
    public string? Unsupported { get; private set; }

    /// <summary>The <c>kubectl apply -k config/default</c> arguments this server supports.</summary>
    public string[] ApplyArguments => OpenApiServed
        ? ["apply", "-k", RepositoryRoot.Combine("config", "default")]
        : ["apply", "-k", RepositoryRoot.Combine("config", "default"), "--validate=false"];

    public static async Task<InProcessOperator> StartAsync()
    {
        var server = await LocalKubernetesApiServer.StartAsync(new LocalApiServerOptions());
        var scratch = Directory.CreateTempSubdirectory("appkeys-e2e-");
        var harness = new InProcessOperator(server, scratch, new Kubectl(server.WriteKubeconfig(Path.Combine(scratch.FullName, "kubeconfig"))));
        try
        {
            harness.OpenApiServed = (await harness.Kubectl.RunAsync("get", "--raw", "/openapi/v3")).Succeeded;
            if (!(await harness.Kubectl.RunAsync("get", "--raw", "/apis")).Succeeded || !(await harness.Kubectl.RunAsync("get", "--raw", "/api")).Succeeded)
            {
                harness.Unsupported = "the local API server does not serve discovery (/api, /apis) yet, so kubectl cannot drive it";
                return harness;
            }

            harness.ApplyOutput = (await harness.Kubectl.RunAsync(harness.ApplyArguments, timeout: TimeSpan.FromMinutes(2))).EnsureSuccess().StdOut;
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
