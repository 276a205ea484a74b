namespace AppKeys.Runtime.Events;

/// <summary>Options of the <see cref="EventRecorder"/>.</summary>
public sealed class EventRecorderOptions
{
    /// <summary><c>source.component</c> / <c>reportingComponent</c> of events. Default <c>appkeys-operator</c>.</summary>
    public string Component { get; set; } = "appkeys-operator";

    /// <summary><c>reportingInstance</c>; null: <c>POD_NAME</c> or the host name.</summary>
    public string? Instance { get; set; }
}
