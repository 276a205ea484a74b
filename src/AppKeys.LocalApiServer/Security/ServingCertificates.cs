using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AppKeys.LocalApiServer.Storage.Persistence;
using Microsoft.Extensions.Logging;

namespace AppKeys.LocalApiServer.Security;

/// <summary>
/// A CA and a serving certificate (SAN 127.0.0.1, ::1, localhost), generated at start as kube-apiserver
/// self-signs when given no certificates, or kept in the data directory so kubeconfigs stay valid across restarts.
/// The CA goes into the kubeconfig's certificate-authority-data.
/// </summary>
public sealed class ServingCertificates : IDisposable
{
    internal const string CaCertFile = "ca.crt";
    internal const string CaKeyFile = "ca.key";
    internal const string ServingCertFile = "apiserver.crt";
    internal const string ServingKeyFile = "apiserver.key";

    /// <summary>Certificates closer to expiry than this are replaced at start.</summary>
    private static readonly TimeSpan RenewBefore = TimeSpan.FromDays(7);

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
        using var ca = CreateCa(now);
        using var server = IssueServing(ca, now);
        return FromPair(ca, server);
    }

    /// <summary>
    /// Loads the CA and serving certificate from <paramref name="directory"/>, creating what is missing or close to
    /// expiry (a new serving certificate from the kept CA when possible, so existing kubeconfigs stay valid).
    /// Keys are written owner-only (0600).
    /// </summary>
    internal static ServingCertificates LoadOrCreate(string directory, TimeProvider time, ILogger logger)
    {
        var now = time.GetUtcNow();
        var caCert = Path.Combine(directory, CaCertFile);
        var caKey = Path.Combine(directory, CaKeyFile);
        var servingCert = Path.Combine(directory, ServingCertFile);
        var servingKey = Path.Combine(directory, ServingKeyFile);

        var ca = TryLoad(caCert, caKey, now);
        if (ca is null)
        {
            if (File.Exists(caCert))
            {
                logger.LogWarning("The CA in {Directory} is unreadable, missing its key or expires soon; creating a new CA (kubeconfigs must be rewritten)", directory);
            }
            ca = CreateCa(now);
            Save(ca, caCert, caKey);
        }
        using (ca)
        {
            var server = TryLoad(servingCert, servingKey, now);
            if (server is not null && !IssuedBy(server, ca))
            {
                server.Dispose();
                server = null;
            }
            if (server is null)
            {
                server = IssueServing(ca, now);
                Save(server, servingCert, servingKey);
            }
            using (server)
            {
                return FromPair(ca, server);
            }
        }
    }

    public void Dispose()
    {
        CaCertificate.Dispose();
        ServerCertificate.Dispose();
    }

    private static X509Certificate2 CreateCa(DateTimeOffset now)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=appkeys-local-apiserver-ca", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        return caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(1));
    }

    private static X509Certificate2 IssueServing(X509Certificate2 ca, DateTimeOffset now)
    {
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
        var notAfter = now.AddMonths(11) < ca.NotAfter ? now.AddMonths(11) : new DateTimeOffset(ca.NotAfter.ToUniversalTime());
        using var issued = request.Create(ca, now.AddMinutes(-5), notAfter, serial);
        return issued.CopyWithPrivateKey(serverKey);
    }

    private static ServingCertificates FromPair(X509Certificate2 ca, X509Certificate2 serverWithKey)
    {
        // Round-trip through PKCS#12 so SslStream gets a persisted key on every platform.
        var server = X509CertificateLoader.LoadPkcs12(serverWithKey.Export(X509ContentType.Pkcs12), null);
        var caPublic = X509CertificateLoader.LoadCertificate(ca.Export(X509ContentType.Cert));
        return new ServingCertificates(caPublic, server);
    }

    /// <summary>A certificate with its key, or null when missing, unreadable or within <see cref="RenewBefore"/> of expiry.</summary>
    private static X509Certificate2? TryLoad(string certPath, string keyPath, DateTimeOffset now)
    {
        if (!File.Exists(certPath) || !File.Exists(keyPath))
        {
            return null;
        }
        X509Certificate2 cert;
        try
        {
            cert = X509Certificate2.CreateFromPemFile(certPath, keyPath);
        }
        catch (CryptographicException)
        {
            // Certificates can be made again (unlike the store): an unreadable pair is replaced, with a warning.
            return null;
        }
        if (cert.NotAfter.ToUniversalTime() - now.UtcDateTime < RenewBefore || cert.NotBefore.ToUniversalTime() > now.UtcDateTime)
        {
            cert.Dispose();
            return null;
        }
        return cert;
    }

    private static bool IssuedBy(X509Certificate2 cert, X509Certificate2 ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(cert);
    }

    private static void Save(X509Certificate2 cert, string certPath, string keyPath)
    {
        var key = (AsymmetricAlgorithm?)cert.GetECDsaPrivateKey() ?? throw new InvalidOperationException("certificate without an EC key");
        using (key)
        {
            DataDirectoryFiles.WriteAtomically(keyPath, key.ExportPkcs8PrivateKeyPem());
        }
        DataDirectoryFiles.WriteAtomically(certPath, cert.ExportCertificatePem());
    }
}
