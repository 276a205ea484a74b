namespace AppKeys.Runtime.Client;

/// <summary>
/// A token bucket: up to <see cref="Burst"/> requests at once, refilled at <see cref="Qps"/> tokens per second.
/// <see cref="Reserve"/> always takes a token and says how long the caller must wait before using it, so waiting
/// callers are served in order (the semantics of Go's <c>rate.Limiter.Reserve</c>, used by client-go).
/// </summary>
public sealed class TokenBucket
{
    private readonly TimeProvider timeProvider;
    private readonly Lock gate = new();
    private double tokens;
    private long lastTimestamp;

    /// <summary>Creates a full bucket.</summary>
    /// <param name="qps">Refill rate in tokens per second (&gt; 0).</param>
    /// <param name="burst">Capacity (&gt;= 1).</param>
    /// <param name="timeProvider">Clock.</param>
    public TokenBucket(double qps, int burst, TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(qps);
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Qps = qps;
        Burst = burst;
        this.timeProvider = timeProvider;
        tokens = burst;
        lastTimestamp = timeProvider.GetTimestamp();
    }

    /// <summary>Tokens per second.</summary>
    public double Qps { get; }

    /// <summary>Capacity.</summary>
    public int Burst { get; }

    /// <summary>Tokens available now (negative when callers are already queued).</summary>
    public double Available
    {
        get
        {
            lock (gate)
            {
                Refill();
                return tokens;
            }
        }
    }

    /// <summary>Takes one token; returns how long to wait before acting (zero when a token was available).</summary>
    public TimeSpan Reserve()
    {
        lock (gate)
        {
            Refill();
            tokens -= 1;
            return tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-tokens / Qps);
        }
    }

    /// <summary>
    /// Takes one token only if one is available now and says whether it did (Go's <c>rate.Limiter.Allow</c>, client-go's
    /// <c>TryAccept</c>); never borrows from the future.
    /// </summary>
    public bool TryTake()
    {
        lock (gate)
        {
            Refill();
            if (tokens < 1)
            {
                return false;
            }

            tokens -= 1;
            return true;
        }
    }

    private void Refill()
    {
        var now = timeProvider.GetTimestamp();
        var elapsed = timeProvider.GetElapsedTime(lastTimestamp, now);
        lastTimestamp = now;
        if (elapsed > TimeSpan.Zero)
        {
            tokens = Math.Min(Burst, tokens + (elapsed.TotalSeconds * Qps));
        }
    }
}
