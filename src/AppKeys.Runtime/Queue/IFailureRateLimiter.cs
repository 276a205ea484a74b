namespace AppKeys.Runtime.Queue;

/// <summary>Decides how long a failed key waits before its next attempt.</summary>
public interface IFailureRateLimiter
{
    /// <summary>Records one more failure of <paramref name="key"/> and returns the delay before its retry.</summary>
    TimeSpan When(ObjectKey key);

    /// <summary>Forgets the failures of <paramref name="key"/> (call on success).</summary>
    void Forget(ObjectKey key);

    /// <summary>How many failures of <paramref name="key"/> are remembered.</summary>
    int NumRequeues(ObjectKey key);
}
