using AppKeys.Credentials;
using AppKeys.Operator.Signing;
using AppKeys.Runtime.LeaderElection;

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

    /// <summary>
    /// What a replica does when it loses the lease (no flag): stop the process, as controller-runtime does, so the
    /// kubelet restarts it; the dev host (make run) campaigns again instead, so its in-process API server survives.
    /// </summary>
    public LostLeadershipAction OnLostLeadership { get; set; } = LostLeadershipAction.StopApplication;

    /// <summary>Port of /healthz, /readyz, /metrics and /.well-known/jwks.json; 0 picks a free port.</summary>
    public int HttpPort { get; set; } = 8080;

    /// <summary>Address the HTTP port binds to.</summary>
    public string HttpAddress { get; set; } = "0.0.0.0";

    /// <summary>
    /// HTTPS port of the key manager's OAuth endpoints (token, introspect, revoke, metadata, JWKS); 0 (the default
    /// here, for hosts that run several operators) picks a free port; the flag <c>--oauth-port</c> defaults to 8443.
    /// </summary>
    public int OAuthPort { get; set; }

    /// <summary>Address the OAuth port binds to; null: <see cref="HttpAddress"/>.</summary>
    public string? OAuthAddress { get; set; }

    /// <summary>A kubernetes.io/tls Secret in <see cref="Namespace"/> with the OAuth port's certificate; null: a CA the operator generates.</summary>
    public string? OAuthTlsSecret { get; set; }

    /// <summary>Names in the generated serving certificate; empty: the Service's names, localhost and 127.0.0.1.</summary>
    public IList<string> OAuthDnsNames { get; set; } = [];

    /// <summary>The names the generated serving certificate carries.</summary>
    public IReadOnlyList<string> EffectiveOAuthDnsNames => OAuthDnsNames.Count > 0
        ? [.. OAuthDnsNames]
        : [$"appkeys-operator.{Namespace}.svc", $"appkeys-operator.{Namespace}.svc.cluster.local", "localhost", "127.0.0.1"];

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

    /// <summary>At most one rollout restart per target per this interval (<c>--rollout-restart-min-interval</c>).</summary>
    public TimeSpan RolloutRestartMinInterval { get; set; } = Controllers.RolloutRestarts.RolloutRestartSettings.DefaultMinInterval;

    /// <summary>Leader-election identity; default POD_NAME, else host name plus a random suffix.</summary>
    public string? Identity { get; set; }
}
