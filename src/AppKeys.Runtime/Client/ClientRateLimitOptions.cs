namespace AppKeys.Runtime.Client;

/// <summary>Client-side throttling of requests to the API server (KubernetesClient has none of its own).</summary>
public sealed class ClientRateLimitOptions
{
    /// <summary>Sustained requests per second (client-go's default is 5; controller-runtime uses 20). Default 50.</summary>
    public double Qps { get; set; } = 50;

    /// <summary>Requests allowed at once above the sustained rate. Default 100.</summary>
    public int Burst { get; set; } = 100;

    /// <summary>How many times a 429 Too Many Requests is retried after its Retry-After. Default 3.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>Upper bound for one Retry-After wait (the server's value is clamped to it). Default 30 s.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(30);
}
