using AppKeys.Operator.KeyManager;
using Microsoft.Extensions.Time.Testing;

namespace AppKeys.Operator.Tests.KeyManager;

public sealed class FailedAuthLimiterTests
{
    [Fact]
    public void Blocks_a_client_after_the_burst_of_failures_and_lets_it_retry_after_the_refill()
    {
        var clock = new FakeTimeProvider();
        var limiter = new FailedAuthLimiter(clock);
        for (var i = 0; i < FailedAuthLimiter.Burst; i++)
        {
            Assert.Null(limiter.Blocked("client", $"10.0.0.{i}"));
            limiter.Failed("client", $"10.0.0.{i}");
        }

        var wait = limiter.Blocked("client", "10.0.0.200");
        Assert.NotNull(wait);
        Assert.True(wait <= FailedAuthLimiter.Refill);
        Assert.Null(limiter.Blocked("another-client", "10.0.0.200"));
        clock.Advance(FailedAuthLimiter.Refill);
        Assert.Null(limiter.Blocked("client", "10.0.0.200"));
    }

    [Fact]
    public void Blocks_an_address_that_fails_for_many_clients()
    {
        var limiter = new FailedAuthLimiter(new FakeTimeProvider());
        for (var i = 0; i < FailedAuthLimiter.Burst; i++)
        {
            limiter.Failed($"client-{i}", "192.0.2.1");
        }

        Assert.NotNull(limiter.Blocked("fresh-client", "192.0.2.1"));
        Assert.Null(limiter.Blocked("fresh-client", "192.0.2.2"));
    }

    [Fact]
    public void Memory_stays_bounded_under_a_spray_of_client_ids()
    {
        var clock = new FakeTimeProvider();
        var limiter = new FailedAuthLimiter(clock);
        for (var i = 0; i < FailedAuthLimiter.MaxEntries * 3; i++)
        {
            limiter.Failed($"sprayed-{i}", "198.51.100.7");
        }

        Assert.True(limiter.Count <= FailedAuthLimiter.MaxEntries + 2, $"{limiter.Count} buckets");

        // Once the buckets have refilled they are dropped for new keys.
        clock.Advance(FailedAuthLimiter.Refill * (FailedAuthLimiter.Burst * 2 + 1));
        limiter.Failed("late", "203.0.113.9");
        Assert.True(limiter.Count < 10, $"{limiter.Count} buckets after the refill");
    }
}
