using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AppKeys.LocalApiServer.Security;

/// <summary>
/// A CA and a serving certificate (SAN 127.0.0.1, ::1, localhost) generated at start, as kube-apiserver
/// self-signs when given no certificates. The CA goes into the kubeconfig's certificate-authority-data.
/// </summary>
public sealed class ServingCertificates : IDisposable
{
    private ServingCertificates(X509Certificate2 ca, X509Certificate2 server)
    {
        CaCertificate = ca;
        ServerCertificate = server;
    }

    public X509Certificate2 CaCertificate { get; }

    /// <summary>The serving certificate with its private key.</summary>
    public X509Certificate2 ServerCertificate { get; }

    /// <summary>The CA certificate in PEM form.</summary>
    public string CaPem => CaCertificate.ExportCertificatePem();

    public static ServingCertificates Create(TimeProvider time)
    {
        var now = time.GetUtcNow();
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=appkeys-local-apiserver-ca", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(1));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=kube-apiserver", serverKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1")], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddIpAddress(IPAddress.IPv6Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var issued = request.Create(ca, now.AddMinutes(-5), now.AddMonths(11), serial);
        using var withKey = issued.CopyWithPrivateKey(serverKey);
        // Round-trip through PKCS#12 so SslStream gets a persisted key on every platform.
        var server = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        var caPublic = X509CertificateLoader.LoadCertificate(ca.Export(X509ContentType.Cert));
        return new ServingCertificates(caPublic, server);
    }

    public void Dispose()
    {
        CaCertificate.Dispose();
        ServerCertificate.Dispose();
    }
}
