namespace AppKeys.Operator.KeyManager;

/// <summary>
/// Limits failed client authentications per client id and per source address: a token bucket each (burst
/// <see cref="Burst"/>, one more attempt every <see cref="Refill"/>), only failures consume. Memory is bounded: at
/// most <see cref="MaxEntries"/> buckets; when full, buckets that have refilled are dropped, and if that is not
/// enough new keys share one overflow bucket. Timers are monotonic (<see cref="TimeProvider.GetTimestamp"/>).
/// </summary>
public sealed class FailedAuthLimiter(TimeProvider time)
{
    public const int Burst = 10;
    public const int MaxEntries = 10_000;
    public static readonly TimeSpan Refill = TimeSpan.FromSeconds(6);

    private const string Overflow = "\0overflow";
    private readonly Dictionary<string, Bucket> buckets = new(StringComparer.Ordinal);
    private readonly Lock gate = new();
    private long nextPrune;

    public int Count
    {
        get
        {
            lock (gate)
            {
                return buckets.Count;
            }
        }
    }

    /// <summary>Null when an attempt may proceed; otherwise how long until it may.</summary>
    public TimeSpan? Blocked(string clientId, string address)
    {
        lock (gate)
        {
            var now = time.GetTimestamp();
            var wait = TimeSpan.Zero;
            foreach (var key in Keys(clientId, address))
            {
                if (buckets.TryGetValue(key, out var bucket))
                {
                    var tokens = Tokens(bucket, now);
                    if (tokens < 1)
                    {
                        var need = TimeSpan.FromTicks((long)((1 - tokens) * Refill.Ticks));
                        wait = need > wait ? need : wait;
                    }
                }
            }

            return wait > TimeSpan.Zero ? wait : null;
        }
    }

    public void Failed(string clientId, string address)
    {
        lock (gate)
        {
            var now = time.GetTimestamp();
            foreach (var key in Keys(clientId, address))
            {
                var slot = key;
                if (!buckets.TryGetValue(slot, out var bucket))
                {
                    if (buckets.Count >= MaxEntries && now >= nextPrune)
                    {
                        // At most one sweep per refill interval: a spray of new ids costs O(1) each, not a sweep each.
                        Prune(now);
                        nextPrune = now + (long)(Refill.TotalSeconds * time.TimestampFrequency);
                    }

                    if (buckets.Count >= MaxEntries)
                    {
                        slot = Overflow + key[0];
                    }

                    bucket = buckets.GetValueOrDefault(slot) ?? new Bucket(Burst, now);
                }

                buckets[slot] = new Bucket(Math.Max(Tokens(bucket, now) - 1, -Burst), now);
            }
        }
    }

    private static IEnumerable<string> Keys(string clientId, string address) =>
        ["c" + (clientId.Length <= 64 ? clientId : clientId[..64]), "a" + address];

    private double Tokens(Bucket bucket, long now) =>
        Math.Min(Burst, bucket.Tokens + (time.GetElapsedTime(bucket.At, now).Ticks / (double)Refill.Ticks));

    private void Prune(long now)
    {
        foreach (var (key, bucket) in buckets.ToList())
        {
            if (Tokens(bucket, now) >= Burst)
            {
                buckets.Remove(key);
            }
        }
    }

    private sealed record Bucket(double Tokens, long At);
}
