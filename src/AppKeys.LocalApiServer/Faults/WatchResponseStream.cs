namespace AppKeys.LocalApiServer.Faults;

/// <summary>
/// Stands between a watch handler and the real response body. Cancellation the handler passes to a write or
/// flush stops the handler without ever cancelling a write on the connection (Kestrel resets a connection whose
/// write is cancelled), so ending a watch through its token finishes the chunked stream cleanly, as kube's
/// timeouts do. Also counts the events written (one JSON object per line) to drop the stream after a number of them.
/// </summary>
internal sealed class WatchResponseStream(Stream inner, CancellationToken connectionAborted) : Stream
{
    private int lines;
    private int limit = int.MaxValue;
    private Func<Stream, Task>? reached;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Calls <paramref name="reached"/> once <paramref name="lines"/> events were written.</summary>
    public void OnLines(int lines, Func<Stream, Task> reached)
    {
        limit = lines;
        this.reached = reached;
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return inner.FlushAsync(connectionAborted);
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await inner.WriteAsync(buffer, connectionAborted);
        lines += buffer.Span.Count((byte)'\n');
        if (this.reached is { } reached && lines >= limit)
        {
            this.reached = null;
            await reached(inner);
        }
    }
}
