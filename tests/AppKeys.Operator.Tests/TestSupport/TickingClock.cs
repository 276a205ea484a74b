using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace AppKeys.Operator.Tests.TestSupport;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that follows the real clock (so retries, backoff and requeues fire as usual) and
/// that a test can move forward at once with <see cref="Jump"/> to reach token renewal times without waiting.
/// </summary>
internal sealed class TickingClock : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly Task ticker;

    public TickingClock()
    {
        Time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        ticker = Task.Run(TickAsync);
    }

    public FakeTimeProvider Time { get; }

    public DateTimeOffset Now => Time.GetUtcNow();

    /// <summary>Moves the clock forward by <paramref name="delta"/> now; timers that fall due fire.</summary>
    public void Jump(TimeSpan delta)
    {
        Time.Advance(delta);
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await ticker;
        stop.Dispose();
    }

    private async Task TickAsync()
    {
        var real = Stopwatch.StartNew();
        var followed = TimeSpan.Zero;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(20, stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var elapsed = real.Elapsed;
            Time.Advance(elapsed - followed);

            followed = elapsed;
        }
    }
}
