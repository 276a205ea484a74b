namespace AppKeys.Runtime.Queue;

/// <summary>Options of a <see cref="WorkQueue"/>.</summary>
public sealed class WorkQueueOptions
{
    /// <summary>Name used in metrics (<c>name</c> label) and logs.</summary>
    public string Name { get; set; } = "default";

    /// <summary>Backoff after the first failure of a key. Default 5 ms.</summary>
    public TimeSpan BaseRetryDelay { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Largest backoff of a key. Default 1000 s.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(1000);
}
