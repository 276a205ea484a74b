using k8s;

namespace AppKeys.Runtime.Client;

/// <summary>One event of a watch stream (ADDED, MODIFIED, DELETED or BOOKMARK; ERROR events are thrown instead).</summary>
/// <typeparam name="T">Object type.</typeparam>
/// <param name="Type">Event type.</param>
/// <param name="Object">The object; for a bookmark only <c>metadata.resourceVersion</c> is meaningful.</param>
public sealed record ResourceWatchEvent<T>(WatchEventType Type, T Object);
