namespace AppKeys.Runtime.Events;

/// <summary>The correlator's decision for one <see cref="PendingEvent"/>: what to write.</summary>
/// <param name="Event">The recorded event.</param>
/// <param name="Message">The message to write (prefixed when combined).</param>
/// <param name="Combined">True when it is the aggregate of similar events.</param>
/// <param name="IsUpdate">True when an Event with this key was written before: update its count and last timestamp.</param>
/// <param name="Count">The Event's count after this write.</param>
/// <param name="FirstTimestamp">The Event's first timestamp.</param>
internal sealed record CorrelatedEvent(PendingEvent Event, string Message, bool Combined, bool IsUpdate, int Count, DateTime FirstTimestamp);
