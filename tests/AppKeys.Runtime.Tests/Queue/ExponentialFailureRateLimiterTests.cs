using AppKeys.Runtime.Queue;

namespace AppKeys.Runtime.Tests.Queue;

public class ExponentialFailureRateLimiterTests
{
    private static readonly ObjectKey Key = new("ns", "a");

    [Fact]
    public void Doubles_per_failure_from_the_base_delay_and_caps_at_the_maximum()
    {
        var limiter = new ExponentialFailureRateLimiter(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1000));
        var delays = Enumerable.Range(0, 4).Select(_ => limiter.When(Key)).ToArray();
        Assert.Equal([TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(40)], delays);
        for (var i = 0; i < 100; i++)
        {
            limiter.When(Key);
        }

        Assert.Equal(TimeSpan.FromSeconds(1000), limiter.When(Key));
        Assert.Equal(105, limiter.NumRequeues(Key));
    }

    [Fact]
    public void Keys_back_off_independently_and_forget_resets()
    {
        var limiter = new ExponentialFailureRateLimiter(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1));
        limiter.When(Key);
        limiter.When(Key);
        Assert.Equal(TimeSpan.FromMilliseconds(5), limiter.When(new ObjectKey("ns", "b")));
        limiter.Forget(Key);
        Assert.Equal(0, limiter.NumRequeues(Key));
        Assert.Equal(TimeSpan.FromMilliseconds(5), limiter.When(Key));
    }
}
