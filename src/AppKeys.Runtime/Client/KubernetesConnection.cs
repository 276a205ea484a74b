using System.Security.Cryptography.X509Certificates;
using k8s;
using k8s.Authentication;

namespace AppKeys.Runtime.Client;

/// <summary>
/// The HTTP side of a Kubernetes client: the pipeline (TLS trust, client certificate, delegating handlers), the
/// server's base address and the request credentials. <see cref="Create"/> builds it from a
/// <see cref="KubernetesClientConfiguration"/> as <see cref="Kubernetes"/>'s constructor does, without constructing a
/// <see cref="Kubernetes"/>: that constructor initialises the client library's reflection-based JSON options, which
/// cannot be compiled ahead of time, and the runtime needs only the HTTP pipeline (it serializes with
/// <see cref="KubernetesSerializer"/>).
/// </summary>
public sealed class KubernetesConnection : IDisposable
{
    private readonly bool ownsHttpClient;

    /// <summary>Wraps an existing pipeline (not disposed by this instance unless <paramref name="ownsHttpClient"/>).</summary>
    public KubernetesConnection(HttpClient httpClient, Uri baseUri, ServiceClientCredentials? credentials, bool ownsHttpClient = false)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(baseUri);
        HttpClient = httpClient;
        BaseUri = baseUri;
        Credentials = credentials;
        this.ownsHttpClient = ownsHttpClient;
    }

    /// <summary>The pipeline requests go through.</summary>
    public HttpClient HttpClient { get; }

    /// <summary>The API server's address; request paths are relative to it.</summary>
    public Uri BaseUri { get; }

    /// <summary>Applied to every request (bearer token, token file, basic auth); null when the client certificate is the credential.</summary>
    public ServiceClientCredentials? Credentials { get; }

    /// <summary>The pipeline of an existing client (the client keeps owning it).</summary>
    public static KubernetesConnection Of(Kubernetes client)
    {
        ArgumentNullException.ThrowIfNull(client);
        return new KubernetesConnection(client.HttpClient, client.BaseUri, client.Credentials);
    }

    /// <summary>
    /// A pipeline for <paramref name="config"/>: <paramref name="handlers"/> outermost first (e.g. rate limiting), then
    /// a <see cref="SocketsHttpHandler"/> trusting the configured CA (or nothing when <c>SkipTlsVerify</c>) and
    /// presenting the configured client certificate.
    /// </summary>
    public static KubernetesConnection Create(KubernetesClientConfiguration config, params DelegatingHandler[] handlers)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(handlers);
        if (string.IsNullOrWhiteSpace(config.Host) || !Uri.TryCreate(config.Host, UriKind.Absolute, out var baseUri))
        {
            throw new k8s.Exceptions.KubeConfigException("Host url must be set to an absolute URL");
        }

        // As the client library's own pipeline: HTTP/2 keep-alive pings while requests (watches) are open.
        var socket = new SocketsHttpHandler
        {
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            KeepAlivePingDelay = TimeSpan.FromMinutes(3),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
            EnableMultipleHttp2Connections = true,
        };
        if (baseUri.Scheme == Uri.UriSchemeHttps)
        {
            if (config.SkipTlsVerify)
            {
                // The kubeconfig's insecure-skip-tls-verify: the user asked for it, as kubectl honours it.
#pragma warning disable CA5359
                socket.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
            }
            else if (config.SslCaCerts is { Count: > 0 } roots)
            {
                // The kubeconfig's CA and only it, as kubectl (Go's RootCAs): TLS builds the chain against these roots
                // alone, so the system store is neither trusted nor read. Reading it parses every certificate under
                // /etc/ssl/certs, measured at about 130 ms of CPU and 2 MiB at start (docs/benchmarks.md, session 7).
                var policy = new X509ChainPolicy
                {
                    TrustMode = X509ChainTrustMode.CustomRootTrust,
                    RevocationMode = X509RevocationMode.NoCheck,
                    DisableCertificateDownloads = true,
                };
                foreach (var root in roots)
                {
                    policy.CustomTrustStore.Add(X509CertificateLoader.LoadCertificate(root.RawData));
                }

                socket.SslOptions.CertificateChainPolicy = policy;
            }

            if (ClientCertificate(config) is { } clientCertificate)
            {
                socket.SslOptions.ClientCertificates = [clientCertificate];
                socket.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate;
            }
        }

        HttpMessageHandler pipeline = socket;
        for (var i = handlers.Length - 1; i >= 0; i--)
        {
            var innermost = handlers[i];
            while (innermost.InnerHandler is DelegatingHandler inner)
            {
                innermost = inner;
            }

            innermost.InnerHandler = pipeline;
            pipeline = handlers[i];
        }

        var http = new HttpClient(pipeline, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        if (!string.IsNullOrWhiteSpace(config.UserAgent))
        {
            http.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", config.UserAgent);
        }

        return new KubernetesConnection(http, baseUri, Kubernetes.CreateCredentials(config), ownsHttpClient: true);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (ownsHttpClient)
        {
            HttpClient.Dispose();
        }
    }

    /// <summary>The configured client certificate (PEM data, base64 as in a kubeconfig, or PEM files), if any.</summary>
    private static X509Certificate2? ClientCertificate(KubernetesClientConfiguration config)
    {
        string? certificate = null, key = null;
        if (!string.IsNullOrWhiteSpace(config.ClientCertificateData) && !string.IsNullOrWhiteSpace(config.ClientCertificateKeyData))
        {
            certificate = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(config.ClientCertificateData));
            key = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(config.ClientCertificateKeyData));
        }
        else if (!string.IsNullOrWhiteSpace(config.ClientCertificateFilePath) && !string.IsNullOrWhiteSpace(config.ClientKeyFilePath))
        {
            certificate = File.ReadAllText(config.ClientCertificateFilePath);
            key = File.ReadAllText(config.ClientKeyFilePath);
        }

        return certificate is null || key is null ? null : X509Certificate2.CreateFromPem(certificate, key);
    }
}
