using k8s;
using k8s.Models;

namespace AppKeys.Runtime.Events;

/// <summary>
/// Records Kubernetes Events about objects, best effort and off the reconcile path: recording only queues (never blocks,
/// never throws, so it can never fail or slow a reconcile); events are correlated as client-go's EventCorrelator does
/// (repeats bump <c>count</c>, similar events are aggregated, a spam filter bounds each object) and written in the
/// background. Never pass secret material in a message.
/// </summary>
public interface IEventRecorder
{
    /// <summary>Records an event about <paramref name="regarding"/>.</summary>
    /// <param name="regarding">The object the event is about.</param>
    /// <param name="type"><see cref="EventTypes.Normal"/> or <see cref="EventTypes.Warning"/>.</param>
    /// <param name="reason">UpperCamelCase machine-readable reason, e.g. <c>SecretCreated</c>.</param>
    /// <param name="message">Human-readable message without secrets (truncated to 1024 characters).</param>
    /// <param name="cancellationToken">Cancellation.</param>
    Task RecordAsync(IKubernetesObject<V1ObjectMeta> regarding, string type, string reason, string message, CancellationToken cancellationToken = default);
}
