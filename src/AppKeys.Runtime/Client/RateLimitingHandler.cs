using System.Net;
using AppKeys.Runtime.Metrics;

namespace AppKeys.Runtime.Client;

/// <summary>
/// Delegating handler that throttles every request with a <see cref="TokenBucket"/> and retries 429 responses after
/// their Retry-After (bounded by <see cref="ClientRateLimitOptions.MaxRetries"/> and
/// <see cref="ClientRateLimitOptions.MaxRetryAfter"/>). Watch requests take one token per connection.
/// </summary>
public sealed class RateLimitingHandler : DelegatingHandler
{
    private readonly TokenBucket bucket;
    private readonly ClientRateLimitOptions options;
    private readonly TimeProvider timeProvider;
    private readonly RuntimeMetrics? metrics;

    /// <summary>Creates the handler.</summary>
    public RateLimitingHandler(ClientRateLimitOptions options, TimeProvider timeProvider, RuntimeMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        this.options = options;
        this.timeProvider = timeProvider;
        this.metrics = metrics;
        bucket = new TokenBucket(options.Qps, options.Burst, timeProvider);
    }

    /// <summary>The bucket (exposed for metrics and tests).</summary>
    public TokenBucket Bucket => bucket;

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        // Buffer the body once so that a 429 can be retried with a fresh request message.
        byte[]? body = null;
        if (request.Content is not null && options.MaxRetries > 0)
        {
            body = await request.Content.ReadAsByteArrayAsync(cancellationToken);
        }

        var current = request;
        for (var attempt = 0; ; attempt++)
        {
            var wait = bucket.Reserve();
            metrics?.RateLimiterWait(wait);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, timeProvider, cancellationToken);
            }

            var response = await base.SendAsync(current, cancellationToken);
            metrics?.RestRequest(request.Method.Method, (int)response.StatusCode);
            if (response.StatusCode != HttpStatusCode.TooManyRequests || attempt >= options.MaxRetries)
            {
                return response;
            }

            var delay = RetryAfter(response, timeProvider.GetUtcNow(), options.MaxRetryAfter);
            response.Dispose();
            metrics?.RestRetry();
            await Task.Delay(delay, timeProvider, cancellationToken);
            current = Clone(request, body);
        }
    }

    /// <summary>The wait a 429 asks for: Retry-After seconds or date, at least 1 s, at most <paramref name="max"/>.</summary>
    internal static TimeSpan RetryAfter(HttpResponseMessage response, DateTimeOffset now, TimeSpan max)
    {
        var retryAfter = response.Headers.RetryAfter;
        var delay = retryAfter?.Delta ?? (retryAfter?.Date is { } date ? date - now : TimeSpan.FromSeconds(1));
        if (delay < TimeSpan.FromSeconds(1))
        {
            delay = TimeSpan.FromSeconds(1);
        }

        return delay > max ? max : delay;
    }

    private static HttpRequestMessage Clone(HttpRequestMessage request, byte[]? body)
    {
        var clone = new HttpRequestMessage(request.Method, request.RequestUri) { Version = request.Version, VersionPolicy = request.VersionPolicy };
        foreach (var header in request.Headers)
        {
            clone.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        if (body is not null && request.Content is not null)
        {
            clone.Content = new ByteArrayContent(body);
            foreach (var header in request.Content.Headers)
            {
                clone.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        return clone;
    }
}
