namespace AppKeys.Runtime.Events;

/// <summary>Event types.</summary>
public static class EventTypes
{
    /// <summary>Normal, informational.</summary>
    public const string Normal = "Normal";

    /// <summary>Something went wrong.</summary>
    public const string Warning = "Warning";
}
