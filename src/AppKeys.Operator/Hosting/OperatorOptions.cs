using AppKeys.Credentials;
using AppKeys.Operator.Signing;

namespace AppKeys.Operator.Hosting;

/// <summary>Settings of the operator process (flags and environment variables: <see cref="OperatorCommandLine"/>, documented in README and docs/operator.md).</summary>
public sealed class OperatorOptions
{
    public const string DefaultNamespace = "appkeys-system";
    public const string DefaultIssuer = "https://appkeys.io/issuer";

    /// <summary>Path of a kubeconfig; null: in-cluster config, else KUBECONFIG / ~/.kube/config.</summary>
    public string? Kubeconfig { get; set; }

    /// <summary>The operator's own namespace (signing keys, JWKS ConfigMap, leader lease).</summary>
    public string Namespace { get; set; } = DefaultNamespace;

    /// <summary>Namespaces whose Applications and ApplicationKeys are reconciled; empty: all.</summary>
    public IList<string> WatchNamespaces { get; set; } = [];

    public bool LeaderElect { get; set; } = true;

    /// <summary>Port of /healthz, /readyz, /metrics and /.well-known/jwks.json; 0 picks a free port.</summary>
    public int HttpPort { get; set; } = 8080;

    /// <summary>Address the HTTP port binds to.</summary>
    public string HttpAddress { get; set; } = "0.0.0.0";

    public SigningKeyAlgorithm SigningAlgorithm { get; set; } = SigningKeyAlgorithm.ES256;

    /// <summary>How long a signing key signs before the next one takes over.</summary>
    public TimeSpan SigningKeyRotationPeriod { get; set; } = SigningKeySettings.DefaultRotationPeriod;

    /// <summary>How long a next signing key is published before it signs (above verifiers' JWKS refresh).</summary>
    public TimeSpan SigningKeyPrepublish { get; set; } = SigningKeySettings.DefaultPrepublish;

    /// <summary>How long a retired key stays published after its never-expiring tokens were re-minted; null: the rotation period.</summary>
    public TimeSpan? SigningKeyNeverExpiringOverlap { get; set; }

    /// <summary>The signing-key schedule these options give.</summary>
    public SigningKeySettings ToSigningKeySettings() => new(
        SigningAlgorithm,
        SigningKeyRotationPeriod,
        SigningKeyPrepublish,
        SigningKeyNeverExpiringOverlap ?? SigningKeyRotationPeriod,
        SigningKeySettings.DefaultClockSkew);

    /// <summary>JWT <c>iss</c>.</summary>
    public string Issuer { get; set; } = DefaultIssuer;

    /// <summary>JWT <c>aud</c>; empty: the consumer key (as WSO2 does).</summary>
    public IList<string> Audiences { get; set; } = [];

    public double Qps { get; set; } = 50;

    public int Burst { get; set; } = 100;

    /// <summary>Concurrent reconciles per controller.</summary>
    public int Workers { get; set; } = 2;

    /// <summary>Leader-election identity; default POD_NAME, else host name plus a random suffix.</summary>
    public string? Identity { get; set; }
}
