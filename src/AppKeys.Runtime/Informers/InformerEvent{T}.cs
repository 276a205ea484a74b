namespace AppKeys.Runtime.Informers;

/// <summary>A change to the cache, delivered to informer handlers.</summary>
/// <typeparam name="T">Object type.</typeparam>
/// <param name="Type">What happened.</param>
/// <param name="Object">The new state (the last known state for <see cref="InformerEventType.Deleted"/>).</param>
/// <param name="OldObject">The previous cached state for <see cref="InformerEventType.Modified"/>, else null.</param>
public readonly record struct InformerEvent<T>(InformerEventType Type, T Object, T? OldObject)
    where T : class;
