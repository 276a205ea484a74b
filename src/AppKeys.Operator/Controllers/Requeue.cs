namespace AppKeys.Operator.Controllers;

/// <summary>When to look again for time-based work (renewal, rotation, grace expiry, a rate-limited issuance).</summary>
public static class Requeue
{
    /// <summary>Longest scheduled requeue: long lifetimes are re-checked at least this often.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromHours(12);

    /// <summary>How often a Secret conflict is re-checked (a foreign Secret is not watched).</summary>
    public static readonly TimeSpan ConflictRecheck = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The delay until <paramref name="next"/>: times are whole seconds, so wake just after; never a busy loop; at
    /// most <see cref="Max"/>.
    /// </summary>
    public static TimeSpan Until(DateTimeOffset next, DateTimeOffset now)
    {
        var delay = next - now;
        return delay < TimeSpan.Zero ? TimeSpan.FromMilliseconds(100) : delay > Max ? Max : delay + TimeSpan.FromMilliseconds(50);
    }
}
