using Microsoft.AspNetCore.Http;

namespace AppKeys.LocalApiServer.Faults;

/// <summary>
/// One watch request in flight. Its <c>RequestAborted</c> token is replaced by one this class can cancel and its
/// body by a <see cref="WatchResponseStream"/>: cancelling ends the stream cleanly (the handler treats it as a
/// timeout); <see cref="HttpContext.Abort"/> resets the connection instead.
/// </summary>
internal sealed class OpenWatch : IDisposable
{
    private readonly HttpContext _ctx;
    private readonly CancellationTokenSource _end;
    private readonly WatchResponseStream _body;
    private readonly Lock _gate = new();
    private Timer? _timer;
    private bool _closed;

    public OpenWatch(HttpContext ctx)
    {
        _ctx = ctx;
        var aborted = ctx.RequestAborted;
        _end = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        ctx.RequestAborted = _end.Token;
        _body = new WatchResponseStream(ctx.Response.Body, aborted);
        ctx.Response.Body = _body;
    }

    /// <summary>Closes the stream once; false when it was already closed or has ended (its context may be reused).</summary>
    public bool Close(bool abrupt)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return false;
            }
            _closed = true;
            if (abrupt)
            {
                _ctx.Abort();
            }
            else
            {
                _end.Cancel();
            }
            return true;
        }
    }

    /// <summary>Ends the stream cleanly after <paramref name="after"/> (an early server-side timeout).</summary>
    public void EndAfter(TimeSpan after, Action fired)
    {
        _timer?.Dispose();
        _timer = new Timer(_ =>
        {
            if (Close(abrupt: false))
            {
                fired();
            }
        }, null, after, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Closes the stream after <paramref name="events"/> written events.</summary>
    public void DropAfter(int events, bool abrupt, Action fired) =>
        _body.OnLines(events, async inner =>
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
        lock (_gate)
        {
            _closed = true;
            _timer?.Dispose();
            _end.Dispose();
        }
    }
}
