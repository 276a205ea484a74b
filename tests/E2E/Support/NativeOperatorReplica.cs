using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using AppKeys.LocalApiServer;
using AppKeys.Operator.Testing.Chaos;

namespace AppKeys.E2E.Tests.Support;

/// <summary>
/// One pod of the operator Deployment played by the Native AOT executable: its own process, ports and lease identity
/// (the pod name). Its <c>/metrics</c> are read over HTTP while it lives; what was read last stays readable after
/// <see cref="Kill"/>.
/// </summary>
internal sealed class NativeOperatorReplica : IKeyManagerReplica, IAsyncDisposable
{
    private static readonly HashSet<int> HandedOut = [];
    private readonly int httpPort;
    private string metrics = "";

    private NativeOperatorReplica(string identity, DeployedOperatorProcess process, int httpPort, int oauthPort)
    {
        Identity = identity;
        Process = process;
        this.httpPort = httpPort;
        OAuthBase = $"https://127.0.0.1:{oauthPort}";
    }

    public string Identity { get; }

    public string OAuthBase { get; }

    public DeployedOperatorProcess Process { get; }

    public bool IsKilled => Process.IsKilled;

    /// <summary>The process ended without being killed (it lost the lease and stopped, as the operator does).</summary>
    public bool ExitedOnItsOwn => !Process.IsKilled && Process.HasExited;

    public bool IsAnswering => !Process.IsKilled && !Process.HasExited;

    /// <summary>The Prometheus text read last by <see cref="ScrapeAsync"/>.</summary>
    public string Metrics => Volatile.Read(ref metrics);

    /// <summary>
    /// Starts the manager container of <paramref name="deployment"/> as pod <paramref name="identity"/>, on ports of its
    /// own, with <paramref name="flags"/> set on top of the container's args.
    /// </summary>
    public static NativeOperatorReplica Start(
        LocalKubernetesApiServer server,
        JsonNode deployment,
        string identity,
        IReadOnlyDictionary<string, string>? flags = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var (httpPort, oauthPort) = (FreePort(), FreePort());
        var args = new Dictionary<string, string>(flags ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            ["--http-port"] = httpPort.ToString(CultureInfo.InvariantCulture),
            ["--oauth-port"] = oauthPort.ToString(CultureInfo.InvariantCulture),
        };
        var process = DeployedOperatorProcess.Start(server, deployment, identity, OperatorBuild.Native, args, environment);
        return new NativeOperatorReplica(identity, process, httpPort, oauthPort);
    }

    /// <summary>Reads <c>/metrics</c> (plain HTTP port); false when the process does not answer.</summary>
    public async Task<bool> ScrapeAsync(HttpClient http)
    {
        try
        {
            var text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{httpPort}/metrics"));
            Volatile.Write(ref metrics, text);
            return true;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>The sum of the samples of <paramref name="metric"/> whose line passes <paramref name="filter"/>, in the text read last.</summary>
    public double Sum(string metric, Func<string, bool>? filter = null) =>
        Metrics.Split('\n')
            .Where(l => l.StartsWith(metric + "{", StringComparison.Ordinal) || l.StartsWith(metric + " ", StringComparison.Ordinal))
            .Where(l => filter?.Invoke(l) ?? true)
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));

    /// <summary>SIGKILL.</summary>
    public void Kill() => Process.Kill();

    public ValueTask DisposeAsync() => Process.DisposeAsync();

    /// <summary>
    /// A port free now and never handed out before by this class: the kernel may give a port it just released again,
    /// and two replicas on one port would be a test artefact (the second one exits: "port ... is already in use").
    /// </summary>
    private static int FreePort()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Any, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (HandedOut)
            {
                if (HandedOut.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
