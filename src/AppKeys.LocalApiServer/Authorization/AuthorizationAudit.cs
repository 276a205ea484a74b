using System.Collections.Concurrent;

namespace AppKeys.LocalApiServer.Authorization;

/// <summary>
/// The most recent 403 denials of the server (bounded: the oldest are dropped past <see cref="Capacity"/>), kept
/// across restarts. Tests use it to prove an identity needed no more than it was granted.
/// </summary>
public sealed class AuthorizationAudit
{
    public const int Capacity = 10_000;

    private readonly ConcurrentQueue<DeniedRequest> denied = new();
    private long total;

    /// <summary>Every denial since the server started (including the ones dropped from <see cref="Denied"/>).</summary>
    public long Total => Interlocked.Read(ref total);

    /// <summary>A snapshot of the retained denials, oldest first.</summary>
    public IReadOnlyList<DeniedRequest> Denied => [.. denied];

    public void Record(DeniedRequest denial)
    {
        denied.Enqueue(denial);
        Interlocked.Increment(ref total);
        while (denied.Count > Capacity && denied.TryDequeue(out _))
        {
        }
    }
}
