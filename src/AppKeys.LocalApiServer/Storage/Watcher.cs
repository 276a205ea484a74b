using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace AppKeys.LocalApiServer.Storage;

/// <summary>
/// A registered watch. Writers hand it events without blocking; when its buffer is full the watcher is closed
/// (kube's cacher also terminates watchers that cannot keep up) and the client re-watches from its last RV.
/// </summary>
public sealed class Watcher
{
    private readonly Channel<WatchEvent> channel;

    internal Watcher(string? ns, Func<JsonObject, bool> matches, int capacity)
    {
        Namespace = ns;
        Matches = matches;
        channel = Channel.CreateBounded<WatchEvent>(new BoundedChannelOptions(Math.Max(1, capacity))
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Namespace filter (null = all namespaces).</summary>
    public string? Namespace { get; }

    /// <summary>Label/field selector predicate (namespace already checked).</summary>
    public Func<JsonObject, bool> Matches { get; }

    public ChannelReader<WatchEvent> Reader => channel.Reader;

    /// <summary>True once the watcher was dropped for falling behind.</summary>
    public bool Overflowed { get; private set; }

    /// <summary>Called with the store lock held; never blocks.</summary>
    internal bool Offer(WatchEvent e)
    {
        if (channel.Writer.TryWrite(e))
        {
            return true;
        }
        Overflowed = true;
        channel.Writer.TryComplete();
        return false;
    }

    internal void Close() => channel.Writer.TryComplete();
}
