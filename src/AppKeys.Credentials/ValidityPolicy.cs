namespace AppKeys.Credentials;

/// <summary>
/// Token lifetime arithmetic. Validity is in seconds as in WSO2: positive = lifetime, negative = never expires
/// (no <c>exp</c>), zero = invalid. Expiry is capped at <see cref="MaxExpiresAt"/> so very large periods
/// (up to <see cref="long.MaxValue"/>) neither overflow nor produce dates validators cannot represent.
/// </summary>
public static class ValidityPolicy
{
    /// <summary>The latest expiry ever produced: 9999-12-31T23:59:59Z (the last whole second a DateTime holds).</summary>
    public static readonly DateTimeOffset MaxExpiresAt = new(9999, 12, 31, 23, 59, 59, TimeSpan.Zero);

    /// <summary>Share of the lifetime before expiry at which renewal happens when no renewBefore is given.</summary>
    public const int DefaultRenewBeforeDivisor = 3;

    /// <summary>True when <paramref name="validitySeconds"/> means "never expires".</summary>
    public static bool NeverExpires(long validitySeconds) => validitySeconds < 0;

    /// <summary>
    /// When a token issued at <paramref name="issuedAt"/> expires: null for a negative validity, otherwise
    /// issuedAt + validity, capped at <see cref="MaxExpiresAt"/>. The result is in UTC.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="validitySeconds"/> is 0.</exception>
    public static DateTimeOffset? ExpiresAt(DateTimeOffset issuedAt, long validitySeconds)
    {
        if (validitySeconds == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(validitySeconds), validitySeconds, "A validity period of 0 seconds is invalid; use a negative value for tokens that never expire.");
        }

        if (validitySeconds < 0)
        {
            return null;
        }

        var utc = issuedAt.ToUniversalTime();
        if (utc >= MaxExpiresAt)
        {
            return MaxExpiresAt;
        }

        // Whole seconds left until the cap; comparing in seconds first keeps the tick multiplication below from overflowing.
        var secondsToCap = (MaxExpiresAt.UtcTicks - utc.UtcTicks) / TimeSpan.TicksPerSecond;
        return validitySeconds >= secondsToCap ? MaxExpiresAt : utc.AddTicks(validitySeconds * TimeSpan.TicksPerSecond);
    }

    /// <summary>
    /// When a token should be renewed: <paramref name="renewBefore"/> (default: one third of the lifetime) before
    /// <paramref name="expiresAt"/>, never before <paramref name="issuedAt"/>; null when the token never expires.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="renewBefore"/> is not positive.</exception>
    public static DateTimeOffset? RenewalTime(DateTimeOffset issuedAt, DateTimeOffset? expiresAt, TimeSpan? renewBefore = null)
    {
        if (renewBefore is { } given && given <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(renewBefore), given, "renewBefore must be positive.");
        }

        if (expiresAt is not { } expiry)
        {
            return null;
        }

        var issued = issuedAt.ToUniversalTime();
        expiry = expiry.ToUniversalTime();
        if (expiry <= issued)
        {
            return issued;
        }

        var lifetime = expiry - issued;
        var before = renewBefore ?? lifetime / DefaultRenewBeforeDivisor;
        return before >= lifetime ? issued : expiry - before;
    }

    /// <summary>
    /// Checks a validity period and optional renewBefore as a user would write them; returns a message for the
    /// user (status condition / event) or null when they are valid. renewBefore must be positive and shorter than
    /// the validity, so it cannot be combined with a never-expiring (negative) validity.
    /// </summary>
    public static string? Validate(long validitySeconds, TimeSpan? renewBefore)
    {
        if (validitySeconds == 0)
        {
            return "validityPeriod must not be 0: use a positive number of seconds, or a negative value for a token that never expires.";
        }

        if (renewBefore is not { } before)
        {
            return null;
        }

        if (before <= TimeSpan.Zero)
        {
            return "renewBefore must be positive.";
        }

        if (validitySeconds < 0)
        {
            return "renewBefore cannot be set when validityPeriod is negative (the token never expires).";
        }

        // Compare in whole seconds (TimeSpan cannot hold every long number of seconds): before >= validity exactly
        // when its whole-second part is >= validity.
        return before.Ticks / TimeSpan.TicksPerSecond >= validitySeconds
            ? $"renewBefore ({before.Ticks / TimeSpan.TicksPerSecond}s) must be shorter than validityPeriod ({validitySeconds}s)."
            : null;
    }
}
