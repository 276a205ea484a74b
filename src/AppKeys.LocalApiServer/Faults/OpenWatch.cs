using Microsoft.AspNetCore.Http;

namespace AppKeys.LocalApiServer.Faults;

/// <summary>
/// One watch request in flight. Its <c>RequestAborted</c> token is replaced by one this class can cancel and its
/// body by a <see cref="WatchResponseStream"/>: cancelling ends the stream cleanly (the handler treats it as a
/// timeout); <see cref="HttpContext.Abort"/> resets the connection instead.
/// </summary>
internal sealed class OpenWatch : IDisposable
{
    private readonly HttpContext ctx;
    private readonly CancellationTokenSource end;
    private readonly WatchResponseStream body;
    private readonly Lock gate = new();
    private Timer? timer;
    private bool closed;

    public OpenWatch(HttpContext ctx)
    {
        this.ctx = ctx;
        var aborted = ctx.RequestAborted;
        end = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        ctx.RequestAborted = end.Token;
        body = new WatchResponseStream(ctx.Response.Body, aborted);
        ctx.Response.Body = body;
    }

    /// <summary>Closes the stream once; false when it was already closed or has ended (its context may be reused).</summary>
    public bool Close(bool abrupt)
    {
        lock (gate)
        {
            if (closed)
            {
                return false;
            }
            closed = true;
            if (abrupt)
            {
                ctx.Abort();
            }
            else
            {
                end.Cancel();
            }
            return true;
        }
    }

    /// <summary>Ends the stream cleanly after <paramref name="after"/> (an early server-side timeout).</summary>
    public void EndAfter(TimeSpan after, Action fired)
    {
        timer?.Dispose();
        timer = new Timer(_ =>
        {
            if (Close(abrupt: false))
            {
                fired();
            }
        }, null, after, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Closes the stream after <paramref name="events"/> written events.</summary>
    public void DropAfter(int events, bool abrupt, Action fired) =>
        body.OnLines(events, async inner =>
        {
            if (abrupt)
            {
                await inner.FlushAsync();
            }
            if (Close(abrupt))
            {
                fired();
            }
        });

    public void Dispose()
    {
        lock (gate)
        {
            closed = true;
            timer?.Dispose();
            end.Dispose();
        }
    }
}
