using AppKeys.Operator.Hosting;

namespace AppKeys.Operator.Dev;

/// <summary>Settings of <c>make run</c>: the operator's own, plus where the local API server's inputs and state are.</summary>
public sealed class DevOptions
{
    /// <summary>The operator's settings (the production flags).</summary>
    public OperatorOptions Operator { get; init; } = new() { HttpAddress = "127.0.0.1" };

    /// <summary>Directory of the sample manifests applied at start.</summary>
    public string SamplesDirectory { get; set; } = "config/samples";

    /// <summary>Directory of the CRD manifests installed at start.</summary>
    public string CrdDirectory { get; set; } = "config/crd/bases";

    /// <summary>Where the admin kubeconfig is written.</summary>
    public string LocalKubeconfigPath { get; set; } = ".local/kubeconfig";

    /// <summary>The local API server keeps its state (objects, CA, tokens, port) in this directory across runs; null keeps it in memory only.</summary>
    public string? LocalDataDirectory { get; set; }

    /// <summary>The local API server enforces RBAC, <see cref="RbacDirectory"/> is applied, and the operator runs as its ServiceAccount.</summary>
    public bool LocalRbac { get; set; }

    /// <summary>The kustomization whose RBAC objects <see cref="LocalRbac"/> applies.</summary>
    public string RbacDirectory { get; set; } = "config/rbac";
}
