using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace AppKeys.Operator.Testing;

/// <summary>HTTPS clients of the key manager that trust exactly the operator's published CA.</summary>
public static class TrustingHttpClient
{
    /// <summary>
    /// An HTTP client trusting only <paramref name="caPem"/>, connecting from <paramref name="sourceAddress"/>; the
    /// certificate's validity is judged at <paramref name="now"/> (default: the real time; the chaos run passes the
    /// operators' clock, which jumps ahead, since the replicas issue their serving certificates on it).
    /// </summary>
    public static HttpClient Create(string caPem, string sourceAddress = "127.0.0.1", Func<DateTimeOffset>? now = null)
    {
        using var ca = X509Certificate2.CreateFromPem(caPem.Length > 0 ? caPem : throw new InvalidOperationException("CA not loaded"));
        var trusted = X509CertificateLoader.LoadCertificate(ca.RawData);
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(IPAddress.Parse(sourceAddress), 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                {
                    if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
                    {
                        return false;
                    }

                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(trusted);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    if (now is not null)
                    {
                        chain.ChainPolicy.VerificationTime = now().UtcDateTime;
                        chain.ChainPolicy.VerificationTimeIgnored = false;
                    }

                    return chain.Build(certificate as X509Certificate2 ?? new X509Certificate2(certificate));
                },
            },
        };
        return new HttpClient(handler);
    }
}
