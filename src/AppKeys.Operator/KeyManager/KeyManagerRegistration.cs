using System.Net;
using AppKeys.Operator.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace AppKeys.Operator.KeyManager;

/// <summary>Hooks the key manager into the operator host: services, the HTTPS listener and the routes.</summary>
public static class KeyManagerRegistration
{
    private static readonly string[] Paths =
    [
        KeyManagerEndpoints.TokenPath, KeyManagerEndpoints.IntrospectPath, KeyManagerEndpoints.RevokePath,
        KeyManagerEndpoints.JwksPath, KeyManagerEndpoints.OpenIdConfigurationPath, KeyManagerEndpoints.AuthorizationServerPath,
    ];

    public static IServiceCollection AddKeyManager(this IServiceCollection services)
    {
        services.AddSingleton<KeyManagerMetrics>();
        services.AddSingleton<KeyManagerSecrets>();
        services.AddSingleton<TokenKeyStore>();
        services.AddSingleton<RevocationStore>();
        services.AddSingleton<EndpointCertificates>();
        services.AddSingleton<SigningKeys>();
        services.AddSingleton<ClientDirectory>();
        services.AddSingleton<TokenMinter>();
        services.AddSingleton<TokenInspector>();
        services.AddSingleton<CallerAuthorizer>();
        services.AddSingleton<FailedAuthLimiter>();
        services.AddSingleton<KeyManagerEndpoints>();
        services.AddHostedService<KeyManagerStartup>();
        return services;
    }

    /// <summary>The OAuth port: HTTPS only, the certificate chosen per handshake (so a renewed one is used without restart).</summary>
    public static void ListenOAuth(KestrelServerOptions kestrel, OperatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        ArgumentNullException.ThrowIfNull(options);
        kestrel.Listen(ParseAddress(options.OAuthAddress ?? options.HttpAddress), options.OAuthPort, listen =>
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseHttps(https =>
            {
                https.ServerCertificateSelector = (_, _) => kestrel.ApplicationServices.GetRequiredService<EndpointCertificates>().Current;
            });
        });
    }

    public static IPAddress ParseAddress(string address) =>
        address == "localhost" ? IPAddress.Loopback : IPAddress.Parse(address);

    /// <summary>
    /// Maps the endpoints at the root and, when the issuer has a path, under it (the metadata's URLs are under the
    /// issuer, as RFC 8414 and standard clients require). The HTTPS port serves nothing else.
    /// </summary>
    public static void MapKeyManager(this WebApplication app, OperatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(options);
        var issuerPath = Uri.TryCreate(options.Issuer, UriKind.Absolute, out var issuer) ? issuer.AbsolutePath.TrimEnd('/') : "";
        var allowed = new HashSet<string>(Paths.Concat(Paths.Select(p => issuerPath + p)), StringComparer.Ordinal)
        {
            KeyManagerEndpoints.AuthorizationServerPath + issuerPath,
        };
        app.Use(async (ctx, next) =>
        {
            if (ctx.Request.IsHttps && !allowed.Contains(ctx.Request.Path.Value ?? ""))
            {
                ctx.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            await next(ctx);
        });

        var endpoints = app.Services.GetRequiredService<KeyManagerEndpoints>();
        foreach (var prefix in issuerPath.Length == 0 ? [""] : new[] { "", issuerPath })
        {
            app.MapPost(prefix + KeyManagerEndpoints.TokenPath, endpoints.TokenAsync);
            app.MapPost(prefix + KeyManagerEndpoints.IntrospectPath, endpoints.IntrospectAsync);
            app.MapPost(prefix + KeyManagerEndpoints.RevokePath, endpoints.RevokeAsync);
            app.MapGet(prefix + KeyManagerEndpoints.OpenIdConfigurationPath, endpoints.MetadataAsync);
            app.MapGet(prefix + KeyManagerEndpoints.AuthorizationServerPath, endpoints.MetadataAsync);
        }

        if (issuerPath.Length > 0)
        {
            app.MapGet(KeyManagerEndpoints.AuthorizationServerPath + issuerPath, endpoints.MetadataAsync);
            app.MapGet(issuerPath + KeyManagerEndpoints.JwksPath, endpoints.JwksAsync);
        }
    }
}
