using k8s.Models;

namespace AppKeys.Runtime.Events;

/// <summary>An event as recorded by a caller, queued for the recorder's writer.</summary>
/// <param name="Regarding">Reference to the involved object (a snapshot taken when recorded).</param>
/// <param name="Namespace">Namespace the Event is written to.</param>
/// <param name="Source">Source component and instance.</param>
/// <param name="Type">Normal or Warning.</param>
/// <param name="Reason">Reason.</param>
/// <param name="Message">Message (truncated).</param>
/// <param name="Timestamp">When it was recorded (wall clock, for the Event's timestamps).</param>
internal sealed record PendingEvent(V1ObjectReference Regarding, string Namespace, string Source, string Type, string Reason, string Message, DateTime Timestamp)
{
    /// <summary>The involved object's identity (spam filter key, part of every correlation key).</summary>
    public string ObjectKey { get; } = string.Join('\n', Source, Regarding.ApiVersion, Regarding.Kind, Regarding.NamespaceProperty, Regarding.Name, Regarding.Uid);
}
