using System.Net;
using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Admission;
using AppKeys.LocalApiServer.Authorization;
using AppKeys.LocalApiServer.Controllers;
using AppKeys.LocalApiServer.Http;
using AppKeys.LocalApiServer.Objects;
using AppKeys.LocalApiServer.Registry;
using AppKeys.LocalApiServer.Resources;
using AppKeys.LocalApiServer.Storage;
using AppKeys.LocalApiServer.Storage.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AppKeys.LocalApiServer;

/// <summary>
/// One run of the server: store (loaded from the data directory when there is one), API semantics, background
/// controllers and Kestrel. <see cref="LocalKubernetesApiServer"/> keeps what outlives a restart (address,
/// certificates, tokens, faults) and swaps instances on <see cref="LocalKubernetesApiServer.RestartAsync"/>.
/// </summary>
internal sealed class ServerInstance
{
    private readonly WebApplication app;
    private readonly BackgroundControllers controllers;
    private readonly CancellationTokenSource stopping;
    private readonly PersistentStore? persistence;

    private ServerInstance(WebApplication app, ResourceService service, BackgroundControllers controllers,
        CancellationTokenSource stopping, PersistentStore? persistence, int port)
    {
        this.app = app;
        Service = service;
        this.controllers = controllers;
        this.stopping = stopping;
        this.persistence = persistence;
        Port = port;
    }

    public ResourceService Service { get; }

    public int Port { get; }

    public RecoveryReport? Recovery => persistence?.Report;

    /// <summary>The persistence journal (null without a data directory).</summary>
    public FileJournal? Journal => persistence?.Journal;

    /// <summary>
    /// Loads the store and starts serving on <paramref name="port"/> (0 = pick). A busy port is retried until
    /// <paramref name="bindDeadline"/> (a restart waiting for the old socket), then the bind error is thrown.
    /// </summary>
    public static async Task<ServerInstance> StartAsync(ServerContext context, int port, TimeSpan bindDeadline, CancellationToken ct)
    {
        var options = context.Options;
        var persistence = options.DataDirectory is { Length: > 0 } dir
            ? PersistentStore.Open(dir, options, context.LoggerFactory.CreateLogger<PersistentStore>())
            : null;
        try
        {
            var store = persistence?.Store ?? new ClusterStore(options.EventWindow);
            var registry = new ResourceRegistry();
            var service = new ResourceService(store, registry, options) { Hooks = new SchemaHooks() };
            ServeStoredCrds(service);
            SeedNamespaces(service);
            var rbac = options.Authorization == AuthorizationMode.Rbac ? SeedRbac(service) : null;
            var stopping = new CancellationTokenSource();
            var deadline = DateTime.UtcNow + bindDeadline;
            while (true)
            {
                var app = Build(context, service, rbac, port, stopping.Token);
                try
                {
                    await app.StartAsync(ct);
                }
                catch (IOException) when (port != 0 && DateTime.UtcNow < deadline)
                {
                    await app.DisposeAsync();
                    await Task.Delay(100, ct);
                    continue;
                }
                catch
                {
                    await app.DisposeAsync();
                    stopping.Dispose();
                    throw;
                }
                var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
                var controllers = new BackgroundControllers(service, context.LoggerFactory.CreateLogger<BackgroundControllers>(), stopping.Token,
                    context.Options.Time, context.Options.GarbageCollectionDelay, context.Options.NamespaceCleanupDelay);
                controllers.Start();
                return new ServerInstance(app, service, controllers, stopping, persistence, new Uri(address).Port);
            }
        }
        catch
        {
            persistence?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Stops serving: watches end, controllers stop, Kestrel stops (<paramref name="abrupt"/>: connections are reset
    /// at once, as when a process dies) and the journal is flushed and closed, so a write still in flight fails
    /// instead of being acknowledged and lost.
    /// </summary>
    public async Task StopAsync(bool abrupt)
    {
        await stopping.CancelAsync();
        await controllers.StopAsync();
        await app.StopAsync(abrupt ? new CancellationToken(canceled: true) : CancellationToken.None);
        await app.DisposeAsync();
        persistence?.Dispose();
        stopping.Dispose();
    }

    private static WebApplication Build(ServerContext context, ResourceService service, StoreRbacPolicySource? rbac, int port, CancellationToken stopping)
    {
        var options = context.Options;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(context.LoggerFactory);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = null; // enforced by the handler to answer with a Status (413)
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, port, listen =>
            {
                listen.Use(context.Faults.WrapConnection);
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                if (context.Certificates is not null)
                {
                    listen.UseHttps(context.Certificates.ServerCertificate);
                }
            });
        });
        var app = builder.Build();
        IAuthorizer authorizer = rbac is not null ? new RbacAuthorizer(rbac.Current) : options.Authorizer ?? new AllowAllAuthorizer();
        var audited = new AuditingAuthorizer(authorizer, context.Audit);
        service.Admission = options.OwnerReferencesPermissionEnforcement
            ? new OwnerReferencesPermissionEnforcement(audited, service.Registry)
            : null;
        var logger = context.LoggerFactory.CreateLogger<LocalKubernetesApiServer>();
        var endpoint = new ApiEndpoint(service, context.Authenticator, audited, options, logger, stopping);
        var reviews = new AccessReviewEndpoint(context.Authenticator, audited, authorizer, rbac is null ? null : rbac.Current, options.MaxRequestBodyBytes);
        app.Use(context.Faults.InvokeAsync);
        app.Use(reviews.InvokeAsync);
        app.Run(endpoint.HandleAsync);
        return app;
    }

    /// <summary>CRDs read back from the data directory are served again (they were established when written).</summary>
    private static void ServeStoredCrds(ResourceService service)
    {
        lock (service.Store.Gate)
        {
            foreach (var (_, crd) in service.Store.List(BuiltInResources.StorageKey(BuiltInResources.CustomResourceDefinitions), null))
            {
                service.Registry.SetCustom(ObjectMeta.Name(crd), CrdResources.FromCrd(crd));
            }
        }
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
