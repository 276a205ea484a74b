using AppKeys.Operator.Apis;
using AppKeys.Runtime.Client;
using k8s;
using k8s.Models;

namespace AppKeys.Operator.Testing.Hostile;

/// <summary>Typed clients of one identity.</summary>
public sealed class HostileClients(Kubernetes client)
{
    private readonly KubernetesTransport transport = new(client);

    public IResourceClient<V1Alpha1Application> Applications => new ResourceClient<V1Alpha1Application>(transport);

    public IResourceClient<V1Alpha1ApplicationKey> Keys => new ResourceClient<V1Alpha1ApplicationKey>(transport);

    public IResourceClient<V1Secret> Secrets => new ResourceClient<V1Secret>(transport);

    public IResourceClient<Corev1Event> Events => new ResourceClient<Corev1Event>(transport);

    public IResourceClient<V1Deployment> Deployments => new ResourceClient<V1Deployment>(transport);
}
