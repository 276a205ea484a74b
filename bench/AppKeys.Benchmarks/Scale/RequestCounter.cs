namespace AppKeys.Benchmarks.Scale;

/// <summary>
/// Counts the requests a client sends (innermost handler, so 429 retries count and rate-limiter waits do not):
/// reads (GET, list included), watch connections, and writes (POST, PUT, PATCH, DELETE) split by verb.
/// </summary>
internal sealed class RequestCounter : DelegatingHandler
{
    private long reads;
    private long watches;
    private long creates;
    private long updates;
    private long patches;
    private long deletes;

    public RequestCounts Snapshot() => new(
        Interlocked.Read(ref reads),
        Interlocked.Read(ref watches),
        Interlocked.Read(ref creates),
        Interlocked.Read(ref updates),
        Interlocked.Read(ref patches),
        Interlocked.Read(ref deletes));

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var method = request.Method;
        if (method == HttpMethod.Get)
        {
            var query = request.RequestUri?.Query ?? string.Empty;
            Interlocked.Increment(ref query.Contains("watch=true", StringComparison.OrdinalIgnoreCase) || query.Contains("watch=1", StringComparison.Ordinal) ? ref watches : ref reads);
        }
        else if (method == HttpMethod.Post)
        {
            Interlocked.Increment(ref creates);
        }
        else if (method == HttpMethod.Put)
        {
            Interlocked.Increment(ref updates);
        }
        else if (method == HttpMethod.Patch)
        {
            Interlocked.Increment(ref patches);
        }
        else if (method == HttpMethod.Delete)
        {
            Interlocked.Increment(ref deletes);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
