namespace AppKeys.Runtime.Tests.TestSupport;

/// <summary>Client-side fault injection: drop open watch streams, or fail requests while paused (a partition).</summary>
internal sealed class FaultInjectionHandler : DelegatingHandler
{
    private CancellationTokenSource drop = new();

    public bool PauseWatches { get; set; }

    public bool PauseAll { get; set; }

    /// <summary>Requests for which this returns true fail as if the network were down (e.g. only Lease requests).</summary>
    public Func<HttpRequestMessage, bool>? FailWhen { get; set; }

    public void DropWatches()
    {
        var old = Interlocked.Exchange(ref drop, new CancellationTokenSource());
        old.Cancel();
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var isWatch = request.RequestUri?.Query.Contains("watch=1", StringComparison.Ordinal) == true;
        if (PauseAll || (isWatch && PauseWatches) || FailWhen?.Invoke(request) == true)
        {
            throw new HttpRequestException("injected partition");
        }

        if (!isWatch)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        var response = await base.SendAsync(request, cancellationToken);
        var token = Volatile.Read(ref drop).Token;
        var inner = await response.Content.ReadAsStreamAsync(cancellationToken);
        var content = new StreamContent(new DroppableStream(inner, token));
        foreach (var header in response.Content.Headers)
        {
            content.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        response.Content = content;
        return response;
    }

    private sealed class DroppableStream(Stream inner, CancellationToken dropped) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, dropped);
            try
            {
                return await inner.ReadAsync(buffer, linked.Token);
            }
            catch (OperationCanceledException) when (dropped.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new IOException("injected connection reset");
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
