using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace AppKeys.Operator.Tests.TestSupport;

/// <summary>
/// A TCP forwarder in front of the API server, one per operator replica, so a test can cut a replica off the way a
/// killed process is cut off: <see cref="Kill"/> resets every connection at once (nothing more it sends reaches the
/// server, nothing in flight gets an answer, and its lease is never released) and refuses new ones.
/// </summary>
internal sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint upstream;
    private readonly ConcurrentDictionary<Socket, byte> sockets = new();
    private readonly CancellationTokenSource stop = new();
    private readonly Task acceptLoop;
    private volatile bool killed;

    public TcpProxy(IPEndPoint upstream)
    {
        this.upstream = upstream;
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        acceptLoop = Task.Run(AcceptAsync);
    }

    public int Port { get; }

    public bool IsKilled => killed;

    /// <summary>Resets every connection (RST, as when the process dies) and refuses all new ones.</summary>
    public void Kill()
    {
        killed = true;
        stop.Cancel();
        listener.Stop();
        foreach (var socket in sockets.Keys)
        {
            Reset(socket);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!killed)
        {
            Kill();
        }

        try
        {
            await acceptLoop;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        stop.Dispose();
    }

    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptSocketAsync(stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ForwardAsync(client));
        }
    }

    private async Task ForwardAsync(Socket client)
    {
        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        sockets[client] = 0;
        sockets[server] = 0;
        try
        {
            if (killed)
            {
                return;
            }

            await server.ConnectAsync(upstream, stop.Token);
            using var done = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
            var up = PumpAsync(client, server, done.Token);
            var down = PumpAsync(server, client, done.Token);
            await Task.WhenAny(up, down);
            await done.CancelAsync();
            await Task.WhenAll(up, down);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            sockets.TryRemove(client, out _);
            sockets.TryRemove(server, out _);
            Reset(client);
            Reset(server);
        }
    }

    // Copies until either side ends; the other direction is then torn down as well, as a process exit would.
    private static async Task PumpAsync(Socket from, Socket to, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
                if (read == 0)
                {
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, cancellationToken);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }
}
