using System.Collections.Concurrent;

namespace AppKeys.LocalApiServer.Authorization;

/// <summary>
/// The most recent 403 denials of the server (bounded: the oldest are dropped past <see cref="Capacity"/>), kept
/// across restarts. Tests use it to prove an identity needed no more than it was granted.
/// </summary>
public sealed class AuthorizationAudit
{
    public const int Capacity = 10_000;

    private readonly ConcurrentQueue<DeniedRequest> _denied = new();
    private long _total;

    /// <summary>Every denial since the server started (including the ones dropped from <see cref="Denied"/>).</summary>
    public long Total => Interlocked.Read(ref _total);

    /// <summary>A snapshot of the retained denials, oldest first.</summary>
    public IReadOnlyList<DeniedRequest> Denied => [.. _denied];

    public void Record(DeniedRequest denial)
    {
        _denied.Enqueue(denial);
        Interlocked.Increment(ref _total);
        while (_denied.Count > Capacity && _denied.TryDequeue(out _))
        {
        }
    }
}
