namespace AppKeys.Runtime.Queue;

/// <summary>
/// Per-key exponential backoff: <c>baseDelay * 2^failures</c>, capped at <c>maxDelay</c> (client-go's
/// ItemExponentialFailureRateLimiter; its controller default is 5 ms .. 1000 s).
/// </summary>
public sealed class ExponentialFailureRateLimiter : IFailureRateLimiter
{
    private readonly Dictionary<ObjectKey, int> failures = [];
    private readonly Lock gate = new();

    /// <summary>Creates the limiter.</summary>
    public ExponentialFailureRateLimiter(TimeSpan baseDelay, TimeSpan maxDelay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(baseDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDelay, baseDelay);
        BaseDelay = baseDelay;
        MaxDelay = maxDelay;
    }

    /// <summary>Delay after the first failure.</summary>
    public TimeSpan BaseDelay { get; }

    /// <summary>Largest delay.</summary>
    public TimeSpan MaxDelay { get; }

    /// <inheritdoc />
    public TimeSpan When(ObjectKey key)
    {
        int exponent;
        lock (gate)
        {
            failures.TryGetValue(key, out exponent);
            failures[key] = exponent + 1;
        }

        // Compute in double to avoid overflow; 2^62 ticks is far above any sane maximum anyway.
        var ticks = BaseDelay.Ticks * Math.Pow(2, Math.Min(exponent, 62));
        return ticks >= MaxDelay.Ticks ? MaxDelay : TimeSpan.FromTicks((long)ticks);
    }

    /// <inheritdoc />
    public void Forget(ObjectKey key)
    {
        lock (gate)
        {
            failures.Remove(key);
        }
    }

    /// <inheritdoc />
    public int NumRequeues(ObjectKey key)
    {
        lock (gate)
        {
            return failures.GetValueOrDefault(key);
        }
    }
}
