using AppKeys.Runtime.Controllers;

namespace AppKeys.Runtime.Tests.Controllers;

public class RequeueTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Slack = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan Max = TimeSpan.FromHours(12);

    [Fact]
    public void UntilEarliest_picks_the_earliest_set_time_and_is_never_negative()
    {
        Assert.Null(Requeue.UntilEarliest(Now));
        Assert.Null(Requeue.UntilEarliest(Now, null, null));
        Assert.Equal(TimeSpan.FromMinutes(5), Requeue.UntilEarliest(Now, Now.AddHours(1), null, Now.AddMinutes(5), Now.AddMinutes(30)));
        Assert.Equal(TimeSpan.Zero, Requeue.UntilEarliest(Now, Now.AddMinutes(5), Now.AddSeconds(-3)));
        Assert.Equal(TimeSpan.Zero, Requeue.UntilEarliest(Now, Now));
    }

    [Theory]
    [InlineData(300, 300_050)]        // in five minutes: just after it
    [InlineData(0, 100)]              // due now: overdue delay, not a hot loop
    [InlineData(-60, 100)]            // overdue
    [InlineData(86_400, 43_200_000)]  // a day away: capped at the periodic recheck
    public void AtEarliest_adds_slack_uses_the_overdue_delay_and_caps(int dueInSeconds, long expectedMilliseconds) =>
        Assert.Equal(
            ReconcileResult.After(TimeSpan.FromMilliseconds(expectedMilliseconds)),
            Requeue.AtEarliest(Now, Max, Slack, Now.AddSeconds(dueInSeconds), null, Now.AddDays(30)));

    [Fact]
    public void AtEarliest_without_a_due_time_is_the_periodic_recheck_or_done()
    {
        Assert.Equal(ReconcileResult.After(Max), Requeue.AtEarliest(Now, Max, Slack, null));
        Assert.Equal(ReconcileResult.Done, Requeue.AtEarliest(Now, null, Slack));
        Assert.Equal(ReconcileResult.After(TimeSpan.FromDays(3)), Requeue.AtEarliest(Now, null, TimeSpan.Zero, Now.AddDays(3)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Requeue.AtEarliest(Now, TimeSpan.Zero, Slack));
        Assert.Throws<ArgumentOutOfRangeException>(() => Requeue.AtEarliest(Now, Max, TimeSpan.FromTicks(-1)));
    }
}
