namespace AppKeys.LocalApiServer.Faults;

/// <summary>How <see cref="FaultInjector.RestartAsync(TimeSpan, RestartMode, CancellationToken)"/> restarts the server.</summary>
public enum RestartMode
{
    /// <summary>Connections are reset and refused for a while; the store stays in memory (no data directory needed).</summary>
    InMemory,

    /// <summary>The server stops and a new instance loads the data directory on the same address.</summary>
    Full,
}
