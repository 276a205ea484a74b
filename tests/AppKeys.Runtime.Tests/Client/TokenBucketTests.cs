using System.Net;
using AppKeys.Runtime.Client;
using Microsoft.Extensions.Time.Testing;

namespace AppKeys.Runtime.Tests.Client;

public class TokenBucketTests
{
    private readonly FakeTimeProvider time = new();

    [Fact]
    public void Allows_the_burst_at_once_then_spaces_requests_at_the_rate()
    {
        var bucket = new TokenBucket(qps: 10, burst: 3, time);
        Assert.Equal(TimeSpan.Zero, bucket.Reserve());
        Assert.Equal(TimeSpan.Zero, bucket.Reserve());
        Assert.Equal(TimeSpan.Zero, bucket.Reserve());
        Assert.Equal(0.1, bucket.Reserve().TotalSeconds, 6);
        Assert.Equal(0.2, bucket.Reserve().TotalSeconds, 6);
    }

    [Fact]
    public void Refills_at_the_rate_up_to_the_burst()
    {
        var bucket = new TokenBucket(qps: 2, burst: 4, time);
        for (var i = 0; i < 4; i++)
        {
            bucket.Reserve();
        }

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, bucket.Available, 6);
        time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(4, bucket.Available, 6);
    }

    [Fact]
    public void Waiting_callers_are_served_in_order_and_debt_is_repaid_by_time()
    {
        var bucket = new TokenBucket(qps: 1, burst: 1, time);
        bucket.Reserve();
        Assert.Equal(TimeSpan.FromSeconds(1), bucket.Reserve());
        Assert.Equal(TimeSpan.FromSeconds(2), bucket.Reserve());
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(TimeSpan.FromSeconds(1), bucket.Reserve());
    }

    [Theory]
    [InlineData(null, 1)]
    [InlineData(0, 1)]
    [InlineData(5, 5)]
    [InlineData(3600, 30)]
    public void Retry_after_is_clamped(int? seconds, int expected)
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        if (seconds is { } s)
        {
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(s));
        }

        Assert.Equal(TimeSpan.FromSeconds(expected), RateLimitingHandler.RetryAfter(response, time.GetUtcNow(), TimeSpan.FromSeconds(30)));
    }
}
