using System.Text;
using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Authentication;
using AppKeys.LocalApiServer.Authorization;
using AppKeys.LocalApiServer.Faults;
using AppKeys.LocalApiServer.Objects;
using AppKeys.LocalApiServer.Resources;
using AppKeys.LocalApiServer.Security;
using AppKeys.LocalApiServer.Storage.Persistence;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AppKeys.LocalApiServer;

/// <summary>
/// An in-process Kubernetes API server on 127.0.0.1 (Kestrel, HTTPS with a CA generated at start or kept in the
/// data directory) with kube-apiserver's REST semantics for the kinds an operator meets. See docs/local-apiserver.md.
/// </summary>
public sealed class LocalKubernetesApiServer : IAsyncDisposable
{
    private const string StateFile = "server.json";
    private const string KubeconfigFile = "kubeconfig";

    /// <summary>How long a restart waits for the old socket to free the port before giving up.</summary>
    private static readonly TimeSpan RebindDeadline = TimeSpan.FromSeconds(15);

    private readonly ServerContext context;
    private readonly ILogger logger;
    private readonly string? dataDirectory;
    private readonly SemaphoreSlim lifecycle = new(1, 1);
    private ServerInstance instance = null!;
    private int disposed;

    private LocalKubernetesApiServer(ServerContext context, ILogger logger, string? dataDirectory, string adminToken)
    {
        this.context = context;
        this.logger = logger;
        this.dataDirectory = dataDirectory;
        AdminToken = adminToken;
    }

    /// <summary>Where the server listens, e.g. <c>https://127.0.0.1:41234</c>; the same after <see cref="RestartAsync"/>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Bearer token of the admin user (group <c>system:masters</c>) written to the kubeconfig.</summary>
    public string AdminToken { get; }

    /// <summary>A complete kubeconfig: cluster "local" with the CA, user "local-admin" with the token, context "local".</summary>
    public string KubeconfigYaml { get; private set; } = null!;

    /// <summary>The CA certificate (PEM) clients must trust; null when serving plain HTTP.</summary>
    public string? CertificateAuthorityPem => context.Certificates?.CaPem;

    /// <summary>Fault injection (off until a rule is added); see docs/reliability.md. The same object across restarts.</summary>
    public FaultInjector Faults => context.Faults;

    /// <summary>Requests refused with 403 by authorization or by an admission check; kept across restarts.</summary>
    public AuthorizationAudit Denials => context.Audit;

    /// <summary>Full path of the data directory, or null when the store lives in memory only.</summary>
    public string? DataDirectory => dataDirectory;

    /// <summary>What the latest start read back from the data directory (null without one).</summary>
    public RecoveryReport? Recovery => Volatile.Read(ref instance).Recovery;

    /// <summary>Full restarts done by <see cref="RestartAsync"/> since this object started.</summary>
    public int Restarts { get; private set; }

    /// <summary>The current resourceVersion of the store (etcd's revision).</summary>
    public long ResourceVersion => Service.Store.Revision;

    /// <summary>The API semantics of the current instance (for in-process use by tests and tools).</summary>
    internal ResourceService Service => Volatile.Read(ref instance).Service;

    /// <summary>The persistence journal of the current instance (tests: compaction).</summary>
    internal FileJournal? Journal => Volatile.Read(ref instance).Journal;

    public static async Task<LocalKubernetesApiServer> StartAsync(LocalApiServerOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger<LocalKubernetesApiServer>();
        var dataDirectory = options.DataDirectory is { Length: > 0 } dir ? DataDirectoryFiles.EnsureDirectory(dir) : null;

        var authenticator = dataDirectory is null ? new TokenAuthenticator() : TokenAuthenticator.LoadOrCreate(dataDirectory);
        authenticator.Time = options.Time;
        var adminToken = authenticator.AdminToken(options.AdminUser, ["system:masters"]);
        ServingCertificates? certificates = null;
        if (options.UseHttps)
        {
            certificates = dataDirectory is null
                ? ServingCertificates.Create(options.Time)
                : ServingCertificates.LoadOrCreate(dataDirectory, options.Time, logger);
        }
        LocalKubernetesApiServer? server = null;
        var faults = new FaultInjector(options.FaultSeed, () => server!.Service.Store.Revision, (g, v, p) => server!.Service.Registry.Find(g, v, p));
        var context = new ServerContext(options, loggerFactory, authenticator, certificates, faults, new AuthorizationAudit());
        server = new LocalKubernetesApiServer(context, logger, dataDirectory, adminToken);
        faults.FullRestart = server.RestartInstanceAsync;
        try
        {
            var preferred = options.Port;
            if (preferred == 0 && dataDirectory is not null)
            {
                // Reuse the last port so kubeconfigs written earlier keep working; fall back to any port.
                preferred = ReadRecordedPort(dataDirectory);
            }
            ServerInstance instance;
            try
            {
                instance = await ServerInstance.StartAsync(context, preferred, TimeSpan.Zero, ct);
            }
            catch (IOException) when (options.Port == 0 && preferred != 0)
            {
                logger.LogWarning("Port {Port} recorded in the data directory is taken; picking another (rewrite kubeconfigs)", preferred);
                instance = await ServerInstance.StartAsync(context, 0, TimeSpan.Zero, ct);
            }
            server.instance = instance;
            server.BaseAddress = new Uri($"{(certificates is null ? "http" : "https")}://127.0.0.1:{instance.Port}");
            server.KubeconfigYaml = Kubeconfig.Build(server.BaseAddress, certificates?.CaPem, options.AdminUser, adminToken);
            if (dataDirectory is not null)
            {
                DataDirectoryFiles.WriteAtomically(Path.Combine(dataDirectory, StateFile),
                    new JsonObject { ["port"] = instance.Port }.ToJsonString());
                DataDirectoryFiles.WriteAtomically(Path.Combine(dataDirectory, KubeconfigFile), server.KubeconfigYaml);
            }
        }
        catch
        {
            certificates?.Dispose();
            throw;
        }
        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation("Local Kubernetes API server listening on {Address}{Persistence}", server.BaseAddress,
                dataDirectory is null ? "" : $" (data directory {dataDirectory}, resourceVersion {server.ResourceVersion})");
        }
        return server;
    }

    /// <summary>Writes <see cref="KubeconfigYaml"/> to <paramref name="path"/> (creating directories) and returns the full path.</summary>
    public string WriteKubeconfig(string path)
    {
        var full = Path.GetFullPath(path);
        if (Path.GetDirectoryName(full) is { Length: > 0 } dir)
        {
            Directory.CreateDirectory(dir);
        }
        File.WriteAllText(full, KubeconfigYaml, new UTF8Encoding(false));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(full, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return full;
    }

    /// <summary>Issues a bearer token for <paramref name="user"/> (e.g. <c>system:serviceaccount:ns:sa</c>); saved in the data directory.</summary>
    public string IssueToken(string user, IEnumerable<string>? groups = null) => context.Authenticator.Issue(user, groups);

    /// <summary>
    /// A full restart from the data directory, as when kube-apiserver (and etcd) restart: the running instance stops
    /// (watches and connections are cut, in-flight writes either commit durably or fail), nothing listens for
    /// <paramref name="downtime"/> (clients get "connection refused"), then a new instance loads the data directory
    /// and serves on the same address with the same CA and tokens. Watches from a resourceVersion older than the
    /// current one then get 410 Expired. Same as <c>Faults.RestartAsync(downtime, RestartMode.Full)</c>.
    /// Requires <see cref="LocalApiServerOptions.DataDirectory"/>.
    /// </summary>
    public Task RestartAsync(TimeSpan downtime = default, CancellationToken ct = default) =>
        Faults.RestartAsync(downtime, RestartMode.Full, ct);

    private async Task RestartInstanceAsync(TimeSpan downtime, CancellationToken ct)
    {
        if (dataDirectory is null)
        {
            throw new InvalidOperationException(
                "A full restart needs LocalApiServerOptions.DataDirectory (without one, Faults.RestartAsync(downtime) restarts in memory)");
        }
        await lifecycle.WaitAsync(ct);
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) == 1, this);
            var old = this.instance;
            await old.StopAsync(abrupt: true);
            if (downtime > TimeSpan.Zero)
            {
                // Not cancellable: the server must come back whatever happens to the caller.
                await Task.Delay(downtime, CancellationToken.None);
            }
            var instance = await ServerInstance.StartAsync(context, old.Port, RebindDeadline, CancellationToken.None);
            Volatile.Write(ref this.instance, instance);
            Restarts++;
            if (logger.IsEnabled(LogLevel.Information))
            {
                logger.LogInformation("Local Kubernetes API server restarted on {Address} at resourceVersion {Revision}",
                    BaseAddress, instance.Service.Store.Revision);
            }
        }
        finally
        {
            lifecycle.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }
        await lifecycle.WaitAsync();
        try
        {
            await instance.StopAsync(abrupt: false);
        }
        finally
        {
            lifecycle.Release();
            context.Certificates?.Dispose();
        }
    }

    private static int ReadRecordedPort(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, StateFile);
        try
        {
            return File.Exists(path) && JsonNode.Parse(File.ReadAllText(path)) is JsonObject state
                && JsonText.TryGetLong(state["port"], out var port) && port is > 0 and <= 65535
                ? (int)port
                : 0;
        }
        catch (System.Text.Json.JsonException)
        {
            return 0; // only a preference; never worth refusing to start over
        }
    }
}
