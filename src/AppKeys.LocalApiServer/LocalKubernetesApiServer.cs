using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Auth;
using AppKeys.LocalApiServer.Authorization;
using AppKeys.LocalApiServer.Controllers;
using AppKeys.LocalApiServer.Faults;
using AppKeys.LocalApiServer.Http;
using AppKeys.LocalApiServer.Registry;
using AppKeys.LocalApiServer.Security;
using AppKeys.LocalApiServer.Semantics;
using AppKeys.LocalApiServer.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StoreJournal = System.IDisposable;

namespace AppKeys.LocalApiServer;

/// <summary>
/// An in-process Kubernetes API server on 127.0.0.1 (Kestrel, HTTPS with a CA generated at start) with
/// kube-apiserver's REST semantics for the kinds an operator meets. See docs/local-apiserver.md.
/// </summary>
public sealed class LocalKubernetesApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TokenAuthenticator _authenticator;
    private readonly ServingCertificates? _certificates;
    private readonly BackgroundControllers _controllers;
    private readonly CancellationTokenSource _stopping;
    private readonly StoreJournal? _journal;
    private int _disposed;

    private LocalKubernetesApiServer(WebApplication app, TokenAuthenticator authenticator, ServingCertificates? certificates,
        BackgroundControllers controllers, CancellationTokenSource stopping, StoreJournal? journal, Uri baseAddress,
        string adminToken, ResourceService service, FaultInjector faults)
    {
        Faults = faults;
        _app = app;
        _authenticator = authenticator;
        _certificates = certificates;
        _controllers = controllers;
        _stopping = stopping;
        _journal = journal;
        BaseAddress = baseAddress;
        AdminToken = adminToken;
        Service = service;
        KubeconfigYaml = Kubeconfig.Build(baseAddress, certificates?.CaPem, "local-admin", adminToken);
    }

    /// <summary>Where the server listens, e.g. <c>https://127.0.0.1:41234</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Bearer token of the admin user (group <c>system:masters</c>) written to the kubeconfig.</summary>
    public string AdminToken { get; }

    /// <summary>A complete kubeconfig: cluster "local" with the CA, user "local-admin" with the token, context "local".</summary>
    public string KubeconfigYaml { get; }

    /// <summary>The CA certificate (PEM) clients must trust; null when serving plain HTTP.</summary>
    public string? CertificateAuthorityPem => _certificates?.CaPem;

    /// <summary>Fault injection (off until a rule is added); see docs/reliability.md.</summary>
    public FaultInjector Faults { get; }

    /// <summary>The API semantics (for in-process use by tests and tools).</summary>
    internal ResourceService Service { get; }

    public static async Task<LocalKubernetesApiServer> StartAsync(LocalApiServerOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrEmpty(options.DataDirectory))
        {
            // Persistence is not implemented yet; refusing is better than silently losing data on restart.
            throw new NotSupportedException("LocalApiServerOptions.DataDirectory (persistence) is not implemented yet");
        }
        var loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger<LocalKubernetesApiServer>();

        var registry = new ResourceRegistry();
        StoreJournal? journal = null;
        var store = new ObjectStore(options.EventWindow);
        var service = new ResourceService(store, registry, options) { Hooks = new SchemaHooks() };
        SeedNamespaces(service);
        var rbac = options.Authorization == AuthorizationMode.Rbac ? SeedRbac(service) : null;
        var faults = new FaultInjector(options.FaultSeed, () => store.Revision, registry.Find);

        var authenticator = new TokenAuthenticator();
        var adminToken = authenticator.Issue(options.AdminUser, ["system:masters"]);
        var certificates = options.UseHttps ? ServingCertificates.Create(options.Time) : null;
        var stopping = new CancellationTokenSource();

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = null; // enforced by the handler to answer with a Status (413)
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, options.Port, listen =>
            {
                listen.Use(faults.WrapConnection);
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                if (certificates is not null)
                {
                    listen.UseHttps(certificates.ServerCertificate);
                }
            });
        });
        var app = builder.Build();
        IAuthorizer authorizer = rbac is not null ? new RbacAuthorizer(rbac.Current) : options.Authorizer ?? new AllowAllAuthorizer();
        var endpoint = new ApiEndpoint(service, authenticator, authorizer, options, logger, stopping.Token);
        var reviews = new AccessReviewEndpoint(authenticator, authorizer, rbac is null ? null : rbac.Current, options.MaxRequestBodyBytes);
        app.Use(faults.InvokeAsync);
        app.Use(reviews.InvokeAsync);
        app.Run(endpoint.HandleAsync);
        await app.StartAsync(ct);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address).Port;
        var baseAddress = new Uri($"{(certificates is null ? "http" : "https")}://127.0.0.1:{port}");
        var controllers = new BackgroundControllers(service, loggerFactory.CreateLogger<BackgroundControllers>(), stopping.Token);
        controllers.Start();
        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation("Local Kubernetes API server listening on {Address}", baseAddress);
        }
        return new LocalKubernetesApiServer(app, authenticator, certificates, controllers, stopping, journal, baseAddress, adminToken, service, faults);
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

    /// <summary>Issues a bearer token for <paramref name="user"/> (e.g. <c>system:serviceaccount:ns:sa</c>).</summary>
    public string IssueToken(string user, IEnumerable<string>? groups = null) => _authenticator.Issue(user, groups);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        await _stopping.CancelAsync();
        await _controllers.StopAsync();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        _journal?.Dispose();
        _certificates?.Dispose();
        _stopping.Dispose();
    }

    /// <summary>kube-apiserver's bootstrap roles and bindings, then the store-backed policy source.</summary>
    private static StoreRbacPolicySource SeedRbac(ResourceService service)
    {
        foreach (var role in BootstrapPolicy.ClusterRoles())
        {
            service.Seed(BuiltInResources.ClusterRoles, role);
        }
        foreach (var binding in BootstrapPolicy.ClusterRoleBindings())
        {
            service.Seed(BuiltInResources.ClusterRoleBindings, binding);
        }
        return new StoreRbacPolicySource(service.Store);
    }

    private static void SeedNamespaces(ResourceService service)
    {
        foreach (var name in new[] { "default", "kube-system", "kube-public", "kube-node-lease" })
        {
            service.Seed(BuiltInResources.Namespaces, new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Namespace",
                ["metadata"] = new JsonObject { ["name"] = name },
            });
        }
    }
}
