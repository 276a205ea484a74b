namespace AppKeys.LocalApiServer.Faults;

/// <summary>
/// One fault to inject with a probability, optionally only for some verbs (get, list, watch, create, update,
/// patch, delete, deletecollection), resources (<c>secrets</c>, <c>applicationkeys.appkeys.io</c>,
/// <c>applicationkeys/status</c>; a bare plural also covers its subresources) and one namespace. Only resource
/// requests are faulted: discovery, OpenAPI, <c>/version</c> and health endpoints never are.
/// </summary>
public sealed record FaultRule
{
    public required FaultKind Kind { get; init; }

    /// <summary>Share of the matching requests that get the fault (0..1).</summary>
    public double Probability { get; init; } = 1.0;

    public IReadOnlyCollection<string>? Verbs { get; init; }

    public IReadOnlyCollection<string>? Resources { get; init; }

    public string? Namespace { get; init; }

    /// <summary>Stop injecting after this many faults of this rule (null = unlimited).</summary>
    public int? MaxCount { get; init; }

    /// <summary><see cref="FaultKind.Latency"/>: the added delay.</summary>
    public TimeSpan Latency { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary><see cref="FaultKind.TooManyRequests"/>: the <c>Retry-After</c> seconds.</summary>
    public int RetryAfterSeconds { get; init; } = 1;

    /// <summary><see cref="FaultKind.WatchDrop"/>: events (of any type, initial ones included) written before the drop; at least 1.</summary>
    public int AfterEvents { get; init; } = 1;

    /// <summary><see cref="FaultKind.WatchDrop"/>: reset the connection instead of ending the stream cleanly.</summary>
    public bool Abrupt { get; init; }

    /// <summary><see cref="FaultKind.WatchTimeout"/>: how long the watch lasts.</summary>
    public TimeSpan WatchTimeout { get; init; } = TimeSpan.FromSeconds(1);
}
