using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace AppKeys.LocalApiServer.Tests.Support;

/// <summary>Raw HttpClients for a running server that trust only its generated CA (no global certificate bypass).</summary>
internal static class TrustingHttpClient
{
    /// <summary>A client for <paramref name="server"/>; sends <paramref name="token"/> as a bearer token, or no credentials when null.</summary>
    public static HttpClient Create(LocalKubernetesApiServer server, string? token)
    {
        var ca = X509Certificate2.CreateFromPem(server.CertificateAuthorityPem!);
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, cert, _, errors) =>
                {
                    if (cert is null)
                    {
                        return false;
                    }
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(ca);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(new X509Certificate2(cert)) && (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == 0;
                },
            },
        };
        var http = new HttpClient(handler) { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return http;
    }
}
