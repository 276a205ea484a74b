using System.Security.Cryptography;
using System.Text;
using AppKeys.Runtime.Client;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AppKeys.Runtime.Events;

/// <summary>
/// <see cref="IEventRecorder"/> writing core/v1 Events. The event name is
/// <c>&lt;object name&gt;.&lt;object uid&gt;.&lt;hash of type, reason, message&gt;</c>: unique per object (even
/// across delete and re-create under the same name) and stable for repeats, which then update <c>count</c>.
/// </summary>
public sealed class EventRecorder : IEventRecorder
{
    private const int MaxMessageLength = 1024;
    private readonly IResourceClient<Corev1Event> events;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private readonly string component;
    private readonly string instance;

    /// <summary>Creates the recorder.</summary>
    public EventRecorder(IResourceClient<Corev1Event> events, TimeProvider timeProvider, EventRecorderOptions? options = null, ILogger<EventRecorder>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(timeProvider);
        this.events = events;
        this.timeProvider = timeProvider;
        this.logger = logger ?? NullLogger<EventRecorder>.Instance;
        component = options?.Component ?? "appkeys-operator";
        instance = options?.Instance ?? (Environment.GetEnvironmentVariable("POD_NAME") is { Length: > 0 } pod ? pod : Environment.MachineName);
    }

    /// <summary>The event name for a (regarding, type, reason, message) tuple.</summary>
    public static string EventName(IKubernetesObject<V1ObjectMeta> regarding, string type, string reason, string message)
    {
        ArgumentNullException.ThrowIfNull(regarding);
        var name = regarding.Metadata?.Name ?? "unknown";
        var uid = regarding.Metadata?.Uid is { Length: > 0 } u ? u : "nouid";
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{type}\n{reason}\n{message}")))[..16];

        // Names are at most 253 characters: shorten the object name, never the uid or the hash.
        var room = 253 - uid.Length - hash.Length - 2;
        return $"{(name.Length > room ? name[..room] : name)}.{uid}.{hash}";
    }

    /// <inheritdoc />
    public async Task RecordAsync(IKubernetesObject<V1ObjectMeta> regarding, string type, string reason, string message, CancellationToken cancellationToken = default)
    {
        try
        {
            ArgumentNullException.ThrowIfNull(regarding);
            message ??= string.Empty;
            if (message.Length > MaxMessageLength)
            {
                message = message[..MaxMessageLength];
            }

            var ns = regarding.Metadata?.NamespaceProperty is { Length: > 0 } n ? n : "default";
            var name = EventName(regarding, type, reason, message);
            var now = timeProvider.GetUtcNow().UtcDateTime;
            // Most events are new (their name hashes the message), so create first and read only when the event
            // exists already (a repeat: count it) or another writer raced us.
            for (var attempt = 0; attempt < 3; attempt++)
            {
                var existing = attempt == 0 ? null : await events.GetAsync(name, ns, cancellationToken);
                try
                {
                    if (existing is null)
                    {
                        await events.CreateAsync(NewEvent(regarding, ns, name, type, reason, message, now), cancellationToken);
                    }
                    else
                    {
                        existing.Count = (existing.Count ?? 1) + 1;
                        existing.LastTimestamp = now;
                        await events.ReplaceAsync(existing, cancellationToken);
                    }

                    return;
                }
                catch (KubernetesApiException e) when (e.StatusCode == System.Net.HttpStatusCode.Conflict)
                {
                    // AlreadyExists on create, or a stale resourceVersion on update: read and try again.
                }
            }

            logger.LogDebug("Event {Reason} for {Kind} {Name} not recorded: it kept conflicting with another writer", reason, regarding.Kind, regarding.Metadata?.Name);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: events are best effort.
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not record event {Reason} for {Kind} {Name}", reason, regarding?.Kind, regarding?.Metadata?.Name);
        }
    }

    private Corev1Event NewEvent(IKubernetesObject<V1ObjectMeta> regarding, string ns, string name, string type, string reason, string message, DateTime now) => new()
    {
        ApiVersion = "v1",
        Kind = "Event",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        InvolvedObject = new V1ObjectReference
        {
            ApiVersion = regarding.ApiVersion,
            Kind = regarding.Kind,
            Name = regarding.Metadata?.Name,
            NamespaceProperty = regarding.Metadata?.NamespaceProperty,
            Uid = regarding.Metadata?.Uid,
            ResourceVersion = regarding.Metadata?.ResourceVersion,
        },
        Type = type,
        Reason = reason,
        Message = message,
        Count = 1,
        FirstTimestamp = now,
        LastTimestamp = now,
        Source = new V1EventSource { Component = component },
        ReportingComponent = component,
        ReportingInstance = instance,
    };
}
