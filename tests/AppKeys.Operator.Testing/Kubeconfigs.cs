using System.Text;
using k8s;

namespace AppKeys.Operator.Testing;

/// <summary>Client configurations from kubeconfig text (the local API server's <c>KubeconfigYaml</c>).</summary>
public static class Kubeconfigs
{
    public static async Task<KubernetesClientConfiguration> ConfigAsync(string kubeconfigYaml)
    {
        using var kubeconfig = new MemoryStream(Encoding.UTF8.GetBytes(kubeconfigYaml));
        return await KubernetesClientConfiguration.BuildConfigFromConfigFileAsync(kubeconfig);
    }
}
