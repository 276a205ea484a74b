using Microsoft.AspNetCore.Http;

namespace AppKeys.LocalApiServer.Faults;

/// <summary>
/// One watch request in flight. Its <c>RequestAborted</c> token is replaced by one this class can cancel, which
/// ends the stream cleanly (the handler treats it as a timeout); <see cref="HttpContext.Abort"/> resets the connection.
/// </summary>
internal sealed class OpenWatch : IDisposable
{
    private readonly HttpContext _ctx;
    private readonly CancellationTokenSource _end;
    private Timer? _timer;
    private readonly Lock _gate = new();
    private bool _closed;

    public OpenWatch(HttpContext ctx)
    {
        _ctx = ctx;
        _end = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted);
        ctx.RequestAborted = _end.Token;
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

    /// <summary>Counts written events (one JSON object per line) and closes the stream after <paramref name="events"/>.</summary>
    public void DropAfter(int events, bool abrupt, Action fired) =>
        _ctx.Response.Body = new EventCountingStream(_ctx.Response.Body, events, async inner =>
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
