using System.Diagnostics;

namespace AppKeys.Benchmarks.Scale;

/// <summary>
/// Records when each request passes (a <see cref="Stopwatch"/> timestamp). Placed innermost, right behind the rate
/// limiting handler, it sees the rate the limiter lets through, not the rate callers ask for.
/// </summary>
internal sealed class PassTimestamps : DelegatingHandler
{
    private readonly Lock gate = new();
    private readonly List<long> stamps = [];

    public PassTimestamps()
    {
    }

    /// <summary>A terminal handler: answers every request with 200 at once (measures the limiter alone).</summary>
    public PassTimestamps(bool answerLocally)
    {
        if (answerLocally)
        {
            InnerHandler = new OkHandler();
        }
    }

    public long[] Snapshot()
    {
        lock (gate)
        {
            return [.. stamps];
        }
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var now = Stopwatch.GetTimestamp();
        lock (gate)
        {
            stamps.Add(now);
        }

        return base.SendAsync(request, cancellationToken);
    }

    private sealed class OkHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new StringContent("{}") });
    }
}
