using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AppKeys.Runtime.Client;
using AppKeys.Runtime.Tests.TestSupport;

namespace AppKeys.Runtime.Tests.Client;

/// <summary>
/// TLS trust of <see cref="KubernetesConnection.Create"/>: with a CA in the kubeconfig, the server must chain to that CA
/// and nothing else (kubectl's rule), and its name must match; <c>insecure-skip-tls-verify</c> is honoured.
/// </summary>
public sealed class KubernetesConnectionTests : IAsyncLifetime
{
    private LocalServer server = null!;

    public async Task InitializeAsync() => server = await LocalServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task The_kubeconfig_CA_is_trusted()
    {
        using var connection = KubernetesConnection.Create(server.Config());

        Assert.Equal(HttpStatusCode.OK, await StatusOfVersionAsync(connection));
    }

    [Fact]
    public async Task A_server_certificate_from_another_CA_is_refused()
    {
        var config = server.Config();
        using var other = OtherCa();
        config.SslCaCerts = [other];
        using var connection = KubernetesConnection.Create(config);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => StatusOfVersionAsync(connection));

        Assert.IsType<AuthenticationException>(error.InnerException);
    }

    [Fact]
    public async Task A_server_name_outside_the_certificate_is_refused_even_with_the_right_CA()
    {
        // The serving certificate names 127.0.0.1, ::1 and localhost. The same listener is reached here by an address
        // it does not name: the IPv4-mapped IPv6 form of 127.0.0.1.
        var config = server.Config();
        config.Host = $"https://[::ffff:127.0.0.1]:{server.Server.BaseAddress.Port}";
        using var connection = KubernetesConnection.Create(config);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => StatusOfVersionAsync(connection));

        Assert.IsType<AuthenticationException>(error.InnerException);
    }

    [Fact]
    public async Task Insecure_skip_tls_verify_accepts_any_server_certificate()
    {
        var config = server.Config();
        using var other = OtherCa();
        config.SslCaCerts = [other];
        config.SkipTlsVerify = true;
        using var connection = KubernetesConnection.Create(config);

        Assert.Equal(HttpStatusCode.OK, await StatusOfVersionAsync(connection));
    }

    private static async Task<HttpStatusCode> StatusOfVersionAsync(KubernetesConnection connection)
    {
        using var response = await connection.HttpClient.GetAsync(new Uri(connection.BaseUri, "/version"));
        return response.StatusCode;
    }

    /// <summary>A CA of the same shape as the server's, that signed nothing the server presents.</summary>
    private static X509Certificate2 OtherCa()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=appkeys-local-apiserver-ca", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var withKey = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(1));
        return X509CertificateLoader.LoadCertificate(withKey.RawData);
    }
}
