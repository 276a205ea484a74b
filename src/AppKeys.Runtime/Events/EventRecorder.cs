using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using AppKeys.Runtime.Client;
using AppKeys.Runtime.Metrics;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AppKeys.Runtime.Events;

/// <summary>
/// <see cref="IEventRecorder"/> writing core/v1 Events asynchronously, off the reconcile path (client-go's broadcaster):
/// <see cref="RecordAsync"/> only queues (a bounded queue; when it is full the event is dropped and counted in
/// <c>appkeys_events_dropped_total{reason="queue_full"}</c>, it never blocks); one background writer correlates each
/// event (<see cref="EventCorrelator"/>: aggregation, dedup, spam filter) and writes it: a new Event is created, a
/// repeat updates <c>count</c>, <c>lastTimestamp</c> and <c>message</c> of the existing Event. The event name is
/// <c>&lt;object name&gt;.&lt;object uid&gt;.&lt;hash of type, reason, message&gt;</c> (the aggregate of similar events
/// hashes a fixed text instead of the message): unique per object, even across delete and re-create under the same
/// name, and stable for repeats, so a restarted writer whose create meets AlreadyExists counts into the existing Event.
/// </summary>
public sealed class EventRecorder : IEventRecorder, IAsyncDisposable, IDisposable
{
    private const int MaxMessageLength = 1024;
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);
    private readonly IResourceClient<Corev1Event> events;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private readonly RuntimeMetrics? metrics;
    private readonly string component;
    private readonly string instance;
    private readonly EventCorrelator correlator;
    private readonly Channel<object> queue;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task writer;
    private int disposed;

    /// <summary>Creates the recorder and starts its writer.</summary>
    public EventRecorder(IResourceClient<Corev1Event> events, TimeProvider timeProvider, EventRecorderOptions? options = null, ILogger<EventRecorder>? logger = null, RuntimeMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(timeProvider);
        this.events = events;
        this.timeProvider = timeProvider;
        this.logger = logger ?? NullLogger<EventRecorder>.Instance;
        this.metrics = metrics;
        component = options?.Component ?? "appkeys-operator";
        instance = options?.Instance ?? (Environment.GetEnvironmentVariable("POD_NAME") is { Length: > 0 } pod ? pod : Environment.MachineName);
        correlator = new EventCorrelator(timeProvider);
        queue = Channel.CreateBounded<object>(new BoundedChannelOptions(Math.Max(1, options?.QueueCapacity ?? 1000))
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        writer = Task.Run(() => WriteLoopAsync(stopping.Token), CancellationToken.None);
    }

    /// <summary>The event name for a (regarding, type, reason, message) tuple.</summary>
    public static string EventName(IKubernetesObject<V1ObjectMeta> regarding, string type, string reason, string message)
    {
        ArgumentNullException.ThrowIfNull(regarding);
        return EventName(regarding.Metadata?.Name, regarding.Metadata?.Uid, type, reason, message);
    }

    /// <summary>
    /// Queues an event and returns at once (a completed task): never blocks, never throws. Correlation and the write
    /// happen on the recorder's writer; <paramref name="cancellationToken"/> is not needed for either.
    /// </summary>
    public Task RecordAsync(IKubernetesObject<V1ObjectMeta> regarding, string type, string reason, string message, CancellationToken cancellationToken = default)
    {
        try
        {
            ArgumentNullException.ThrowIfNull(regarding);
            message ??= string.Empty;
            if (message.Length > MaxMessageLength)
            {
                message = message[..MaxMessageLength];
            }

            var reference = new V1ObjectReference
            {
                ApiVersion = regarding.ApiVersion,
                Kind = regarding.Kind,
                Name = regarding.Metadata?.Name,
                NamespaceProperty = regarding.Metadata?.NamespaceProperty,
                Uid = regarding.Metadata?.Uid,
                ResourceVersion = regarding.Metadata?.ResourceVersion,
            };
            var ns = reference.NamespaceProperty is { Length: > 0 } n ? n : "default";
            var pending = new PendingEvent(reference, ns, $"{component}/{instance}", type, reason, message, timeProvider.GetUtcNow().UtcDateTime);
            if (!queue.Writer.TryWrite(pending))
            {
                metrics?.EventDropped("queue_full");
                logger.LogDebug("Event {Reason} for {Kind} {Name} dropped: the event queue is full", reason, regarding.Kind, regarding.Metadata?.Name);
            }
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not queue event {Reason} for {Kind} {Name}", reason, regarding?.Kind, regarding?.Metadata?.Name);
        }

        return Task.CompletedTask;
    }

    /// <summary>Waits until every event queued before this call has been written (or given up on). For tests and shutdown.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await queue.Writer.WriteAsync(done, cancellationToken);
        await done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Stops taking events, writes what is queued (for at most 5 s) and stops the writer.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        queue.Writer.TryComplete();

        // A real-time bound on purpose: shutdown must end even when the injected clock is a fake one that never moves.
        if (await Task.WhenAny(writer, Task.Delay(DrainTimeout, TimeProvider.System)) != writer)
        {
            await stopping.CancelAsync();
        }

        try
        {
            await writer;
        }
        catch (OperationCanceledException)
        {
            // Stopped while writing.
        }

        stopping.Dispose();
    }

    /// <summary>Stops at once without draining (synchronous disposal: a container disposed with <c>Dispose</c>).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        queue.Writer.TryComplete();
        stopping.Cancel();
    }

    private static string EventName(string? objectName, string? objectUid, string type, string reason, string message)
    {
        var name = objectName ?? "unknown";
        var uid = objectUid is { Length: > 0 } u ? u : "nouid";
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{type}\n{reason}\n{message}")))[..16];

        // Names are at most 253 characters: shorten the object name, never the uid or the hash.
        var room = 253 - uid.Length - hash.Length - 2;
        return $"{(name.Length > room ? name[..room] : name)}.{uid}.{hash}";
    }

    private async Task WriteLoopAsync(CancellationToken cancellationToken)
    {
        await foreach (var item in queue.Reader.ReadAllAsync(CancellationToken.None))
        {
            if (item is TaskCompletionSource flushed)
            {
                flushed.TrySetResult();
                continue;
            }

            var pending = (PendingEvent)item;
            try
            {
                if (correlator.Correlate(pending) is not { } correlated)
                {
                    metrics?.EventDropped("spam");
                    logger.LogDebug("Event {Reason} for {Kind} {Name} skipped by the spam filter", pending.Reason, pending.Regarding.Kind, pending.Regarding.Name);
                    continue;
                }

                await WriteAsync(correlated, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // LeadershipLostException included: after a lost lease nothing more is written.
                metrics?.EventDropped("write_failed");
                logger.LogWarning(e, "Could not record event {Reason} for {Kind} {Name}", pending.Reason, pending.Regarding.Kind, pending.Regarding.Name);
            }
        }
    }

    private async Task WriteAsync(CorrelatedEvent c, CancellationToken cancellationToken)
    {
        var e = c.Event;
        var name = EventName(e.Regarding.Name, e.Regarding.Uid, e.Type, e.Reason, c.Combined ? EventCorrelator.CombinedPrefix : e.Message);

        // A repeat is read and updated with the read resourceVersion (get + update: the verbs config/rbac grants on
        // events; client-go patches instead, which would need the patch verb). A new event is created first and read
        // only when it exists already (a restarted writer, another replica) or the update raced another writer.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var existing = attempt == 0 && !c.IsUpdate ? null : await events.GetAsync(name, e.Namespace, cancellationToken);
            try
            {
                if (existing is null)
                {
                    // New, or gone meanwhile (Event TTL): created again, as client-go does.
                    await events.CreateAsync(NewEvent(c, name), cancellationToken);
                }
                else
                {
                    existing.Count = Math.Max(c.Count, (existing.Count ?? 1) + 1);
                    existing.LastTimestamp = e.Timestamp;
                    existing.Message = c.Message;
                    await events.ReplaceAsync(existing, cancellationToken);
                }

                return;
            }
            catch (KubernetesApiException ex) when (ex.StatusCode == HttpStatusCode.Conflict)
            {
                // AlreadyExists on create, or a stale resourceVersion on update: read and try again.
            }
        }

        metrics?.EventDropped("write_failed");
        logger.LogDebug("Event {Reason} for {Kind} {Name} not recorded: it kept conflicting with another writer", e.Reason, e.Regarding.Kind, e.Regarding.Name);
    }

    private Corev1Event NewEvent(CorrelatedEvent c, string name) => new()
    {
        ApiVersion = "v1",
        Kind = "Event",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = c.Event.Namespace },
        InvolvedObject = c.Event.Regarding,
        Type = c.Event.Type,
        Reason = c.Event.Reason,
        Message = c.Message,
        Count = c.Count,
        FirstTimestamp = c.FirstTimestamp,
        LastTimestamp = c.Event.Timestamp,
        Source = new V1EventSource { Component = component },
        ReportingComponent = component,
        ReportingInstance = instance,
    };
}
