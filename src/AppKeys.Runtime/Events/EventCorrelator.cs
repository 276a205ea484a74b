using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using AppKeys.Runtime.Client;

namespace AppKeys.Runtime.Events;

/// <summary>
/// client-go's <c>EventCorrelator</c> semantics (tools/record/events_cache.go), on the injected clock:
/// <list type="number">
/// <item><b>Aggregation</b>: events that differ only in their message (same source, involved object, type and reason)
/// are "similar"; once <see cref="MaxSimilarEvents"/> distinct messages were seen within
/// <see cref="AggregationWindow"/> of each other, further similar events become one aggregated event whose message is
/// prefixed <c>(combined from similar events): </c>.</item>
/// <item><b>Dedup</b>: an event whose key was seen before (same object, type, reason and message, or the same aggregate)
/// is an update of the existing Event: count + 1, same first timestamp, new last timestamp.</item>
/// <item><b>Spam filter</b>: a token bucket per source + involved object (burst <see cref="SpamBurst"/>, one token per
/// <see cref="SpamRefillInterval"/>); an event without a token is skipped.</item>
/// </list>
/// Every cache is an LRU of <see cref="CacheSize"/> entries, so memory stays bounded. The caches keep 128-bit digests
/// (SHA-256, truncated) of their string keys and of the remembered messages, not the strings: a key names the source,
/// the object and the message, hundreds of bytes each: at 3,000 keys the three caches held 2.5 MB of such strings
/// (docs/benchmarks.md, session 6). Not thread-safe: the recorder's single writer calls it.
/// </summary>
internal sealed class EventCorrelator(TimeProvider timeProvider)
{
    public const int MaxSimilarEvents = 10;
    public const int SpamBurst = 25;
    public const int CacheSize = 4096;
    public const string CombinedPrefix = "(combined from similar events): ";
    public static readonly TimeSpan AggregationWindow = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan SpamRefillInterval = TimeSpan.FromMinutes(5);

    private readonly LruCache<UInt128, Aggregate> aggregates = new(CacheSize);
    private readonly LruCache<UInt128, Seen> seen = new(CacheSize);
    private readonly LruCache<UInt128, TokenBucket> spam = new(CacheSize);

    /// <summary>What to write for <paramref name="e"/>, or null when the spam filter skips it.</summary>
    public CorrelatedEvent? Correlate(PendingEvent e)
    {
        var similarText = string.Join('\n', e.Source, e.ObjectKey, e.Type, e.Reason);
        var similarKey = Digest(similarText);

        // Aggregation, timed on the monotonic clock.
        var now = timeProvider.GetTimestamp();
        if (!aggregates.TryGet(similarKey, out var aggregate) || timeProvider.GetElapsedTime(aggregate.LastSeen, now) > AggregationWindow)
        {
            aggregate = new Aggregate();
        }

        var messageDigest = Digest(e.Message);
        aggregate.Messages.Add(messageDigest);
        aggregate.LastSeen = now;
        aggregates.Set(similarKey, aggregate);
        UInt128 key;
        var message = e.Message;
        var combined = aggregate.Messages.Count >= MaxSimilarEvents;
        if (combined)
        {
            // As client-go: drop one remembered message so the set stays bounded, and collapse onto the aggregate.
            aggregate.Messages.Remove(aggregate.Messages.First());
            key = similarKey;
            message = CombinedPrefix + e.Message;
        }
        else
        {
            key = Digest(similarText + "\n" + e.Message);
        }

        // Dedup by key.
        var isUpdate = seen.TryGet(key, out var previous);
        var count = isUpdate ? previous.Count + 1 : 1;
        var first = isUpdate ? previous.FirstTimestamp : e.Timestamp;
        seen.Set(key, new Seen(count, first));

        // Spam filter last, as client-go (the dedup cache counts a skipped event too).
        var objectKey = Digest(e.ObjectKey);
        if (!spam.TryGet(objectKey, out var bucket))
        {
            bucket = new TokenBucket(1 / SpamRefillInterval.TotalSeconds, SpamBurst, timeProvider);
            spam.Set(objectKey, bucket);
        }

        return bucket.TryTake() ? new CorrelatedEvent(e, message, combined, isUpdate, count, first) : null;
    }

    private static UInt128 Digest(string text)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(MemoryMarshal.AsBytes(text.AsSpan()), hash);
        return BinaryPrimitives.ReadUInt128LittleEndian(hash);
    }

    private sealed class Aggregate
    {
        public HashSet<UInt128> Messages { get; } = [];

        public long LastSeen { get; set; }
    }

    private readonly record struct Seen(int Count, DateTime FirstTimestamp);
}
