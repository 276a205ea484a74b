using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using AppKeys.Operator.Hosting;
using AppKeys.Runtime.Client;
using k8s.Models;

namespace AppKeys.Operator.KeyManager;

/// <summary>
/// The HTTPS certificate of the OAuth port. With <see cref="OperatorOptions.OAuthTlsSecret"/>: the
/// <c>tls.crt</c>/<c>tls.key</c> of that Secret (e.g. written by cert-manager), followed through the informer so a
/// renewed certificate is served on the next handshake. Otherwise: a CA generated once (Secret
/// <see cref="CaSecretName"/>), its certificate published in ConfigMap <see cref="CaSecretName"/> (<c>ca.crt</c>), and a
/// serving certificate this replica issues itself from it, renewed when two thirds of its life have passed.
/// </summary>
public sealed class EndpointCertificates
{
    public const string CaSecretName = "appkeys-oauth-ca";
    public const string CaConfigMapKey = "ca.crt";
    private static readonly TimeSpan LeafLifetime = TimeSpan.FromDays(30);

    private readonly OperatorOptions options;
    private readonly KeyManagerSecrets secrets;
    private readonly IResourceClient<V1ConfigMap> configMaps;
    private readonly TimeProvider time;
    private readonly ILogger<EndpointCertificates> logger;
    private readonly Lock gate = new();
    private X509Certificate2? ca;
    private volatile X509Certificate2? current;
    private DateTimeOffset renewAt = DateTimeOffset.MaxValue;

    public EndpointCertificates(OperatorOptions options, KeyManagerSecrets secrets, IResourceClient<V1ConfigMap> configMaps, TimeProvider time, ILogger<EndpointCertificates> logger)
    {
        this.options = options;
        this.secrets = secrets;
        this.configMaps = configMaps;
        this.time = time;
        this.logger = logger;
        if (options.OAuthTlsSecret is { Length: > 0 } name)
        {
            secrets.OnChange(name, s =>
            {
                if (s is not null && FromSecret(s) is { } cert)
                {
                    current = cert;
                    logger.LogInformation("OAuth endpoint certificate loaded from Secret {Namespace}/{Name}: {Subject}, expires {NotAfter:O}", secrets.Namespace, name, cert.Subject, cert.NotAfter);
                }
            });
        }
    }

    /// <summary>PEM of the CA that signs the endpoint certificate when the operator generated it; null with a given certificate.</summary>
    public string? CaCertificatePem { get; private set; }

    /// <summary>The certificate to present now (null until loaded: the handshake fails).</summary>
    public X509Certificate2? Current
    {
        get
        {
            if (ca is not null && time.GetUtcNow() >= renewAt)
            {
                lock (gate)
                {
                    if (time.GetUtcNow() >= renewAt)
                    {
                        IssueLeaf();
                    }
                }
            }

            return current;
        }
    }

    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        if (options.OAuthTlsSecret is { Length: > 0 } name)
        {
            // The informer delivers it; wait for it here so readiness means "serving".
            while (current is null)
            {
                if (await secrets.Client.GetAsync(name, secrets.Namespace, cancellationToken) is { } s && FromSecret(s) is { } cert)
                {
                    current ??= cert;
                    break;
                }

                logger.LogWarning("Waiting for TLS Secret {Namespace}/{Name} (tls.crt, tls.key)", secrets.Namespace, name);
                await Task.Delay(TimeSpan.FromSeconds(5), time, cancellationToken);
            }

            return;
        }

        var secret = await OperatorSecretWriter.GetOrCreateAsync(secrets.Client, secrets.Namespace, CaSecretName, NewCa, cancellationToken);
        var loaded = FromSecret(secret) ?? throw new InvalidOperationException($"Secret {secrets.Namespace}/{CaSecretName} holds no CA");
        CaCertificatePem = loaded.ExportCertificatePem();
        lock (gate)
        {
            ca = loaded;
            IssueLeaf();
        }

        await PublishCaAsync(CaCertificatePem, cancellationToken);
    }

    private async Task PublishCaAsync(string caCertificate, CancellationToken cancellationToken)
    {
        // A public certificate, not a secret: an ordinary comparison.
        var existing = await configMaps.GetAsync(CaSecretName, secrets.Namespace, cancellationToken);
        if (existing?.Data is { } data && data.TryGetValue(CaConfigMapKey, out var published) && string.Equals(published, caCertificate, StringComparison.Ordinal))
        {
            return;
        }

        try
        {
            if (existing is null)
            {
                await configMaps.CreateAsync(new V1ConfigMap
                {
                    ApiVersion = "v1",
                    Kind = "ConfigMap",
                    Metadata = new V1ObjectMeta
                    {
                        Name = CaSecretName,
                        NamespaceProperty = secrets.Namespace,
                        Labels = new Dictionary<string, string> { [Apis.AppKeysLabels.ManagedBy] = Apis.AppKeysApi.ManagerName },
                    },
                    Data = new Dictionary<string, string> { [CaConfigMapKey] = caCertificate },
                }, cancellationToken);
            }
            else
            {
                existing.Data = new Dictionary<string, string>(existing.Data ?? new Dictionary<string, string>()) { [CaConfigMapKey] = caCertificate };
                await configMaps.ReplaceAsync(existing, cancellationToken);
            }
        }
        catch (KubernetesApiException e) when (e.IsAlreadyExists || e.IsConflict)
        {
            // Another replica published the same CA.
        }
    }

    private V1Secret NewCa()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=appkeys-operator OAuth CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = time.GetUtcNow();
        using var cert = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(10));
        return OperatorSecretWriter.New(secrets.Namespace, CaSecretName, "oauth-ca", new Dictionary<string, byte[]>
        {
            ["tls.crt"] = Encoding.ASCII.GetBytes(cert.ExportCertificatePem()),
            ["tls.key"] = Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem()),
        }, "kubernetes.io/tls");
    }

    private void IssueLeaf()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=appkeys-operator", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        foreach (var name in options.EffectiveOAuthDnsNames)
        {
            if (System.Net.IPAddress.TryParse(name, out var ip))
            {
                names.AddIpAddress(ip);
            }
            else
            {
                names.AddDnsName(name);
            }
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca!, true, false));
        var now = time.GetUtcNow();
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var signed = request.Create(ca!, now.AddMinutes(-5), now + LeafLifetime, serial);
        current = signed.CopyWithPrivateKey(key);
        renewAt = now + (LeafLifetime * 2 / 3);
        logger.LogInformation("OAuth endpoint certificate issued from the operator CA for {Names}, expires {NotAfter:O}", string.Join(",", options.EffectiveOAuthDnsNames), current.NotAfter);
    }

    private X509Certificate2? FromSecret(V1Secret secret)
    {
        if (secret.Data is null || !secret.Data.TryGetValue("tls.crt", out var crt) || !secret.Data.TryGetValue("tls.key", out var key) || crt is null || key is null)
        {
            return null;
        }

        try
        {
            return X509Certificate2.CreateFromPem(Encoding.ASCII.GetString(crt), Encoding.ASCII.GetString(key));
        }
        catch (CryptographicException e)
        {
            logger.LogError("Secret {Namespace}/{Name} does not hold a usable certificate and key: {Reason}", secret.Metadata.NamespaceProperty, secret.Metadata.Name, e.Message);
            return null;
        }
    }
}
