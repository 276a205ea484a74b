using AppKeys.Credentials;
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

    public SigningKeyAlgorithm SigningAlgorithm { get; set; } = SigningKeyAlgorithm.ES256;

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
