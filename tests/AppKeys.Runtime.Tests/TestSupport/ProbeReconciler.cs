using AppKeys.Runtime.Client;
using AppKeys.Runtime.Controllers;
using AppKeys.Runtime.Events;
using k8s.Models;

namespace AppKeys.Runtime.Tests.TestSupport;

/// <summary>A ConfigMap reconciler for host tests: delegates to the host's <see cref="ReconcileProbe"/>.</summary>
internal sealed class ProbeReconciler(ReconcileProbe probe, IResourceClient<V1ConfigMap> configMaps, IEventRecorder events) : IReconciler<V1ConfigMap>
{
    public IResourceClient<V1ConfigMap> ConfigMaps => configMaps;

    public IEventRecorder Events => events;

    public Task<ReconcileResult> ReconcileAsync(ReconcileRequest<V1ConfigMap> request, CancellationToken cancellationToken) =>
        probe.RunAsync(request, this, cancellationToken);
}
