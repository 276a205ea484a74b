namespace AppKeys.Credentials.Tests;

public class ValidityPolicyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);

    public static TheoryData<DateTimeOffset, long, DateTimeOffset?> ExpiryCases => new()
    {
        { T0, 1, T0.AddSeconds(1) },
        { T0, 3600, T0.AddHours(1) },
        { T0, 86_400 * 365, T0.AddDays(365) },
        { T0, -1, null },
        { T0, long.MinValue, null },
        { T0, long.MaxValue, ValidityPolicy.MaxExpiresAt },
        { T0, long.MaxValue / TimeSpan.TicksPerSecond + 1, ValidityPolicy.MaxExpiresAt },
        // Exactly reaching the cap, one second short of it, and past it.
        { ValidityPolicy.MaxExpiresAt.AddSeconds(-10), 10, ValidityPolicy.MaxExpiresAt },
        { ValidityPolicy.MaxExpiresAt.AddSeconds(-10), 9, ValidityPolicy.MaxExpiresAt.AddSeconds(-1) },
        { ValidityPolicy.MaxExpiresAt.AddSeconds(-10), 11, ValidityPolicy.MaxExpiresAt },
        { ValidityPolicy.MaxExpiresAt, 1, ValidityPolicy.MaxExpiresAt },
        { DateTimeOffset.MaxValue, 1, ValidityPolicy.MaxExpiresAt },
        // Offsets are normalised to UTC.
        { new DateTimeOffset(2026, 11, 24, 2, 0, 0, TimeSpan.FromHours(2)), 60, T0.AddMinutes(1) },
    };

    [Theory]
    [MemberData(nameof(ExpiryCases))]
    public void ExpiresAt(DateTimeOffset issuedAt, long validity, DateTimeOffset? expected)
    {
        var actual = ValidityPolicy.ExpiresAt(issuedAt, validity);
        Assert.Equal(expected, actual);
        if (actual is { } value)
        {
            Assert.Equal(TimeSpan.Zero, value.Offset);
        }
    }

    [Fact]
    public void ExpiresAt_rejects_zero() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ValidityPolicy.ExpiresAt(T0, 0));

    [Theory]
    [InlineData(-1L, true)]
    [InlineData(long.MinValue, true)]
    [InlineData(1L, false)]
    public void NeverExpires(long validity, bool expected) => Assert.Equal(expected, ValidityPolicy.NeverExpires(validity));

    public static TheoryData<DateTimeOffset, DateTimeOffset?, TimeSpan?, DateTimeOffset?> RenewalCases => new()
    {
        // Default: one third of the lifetime before expiry.
        { T0, T0.AddHours(3), null, T0.AddHours(2) },
        { T0, T0.AddSeconds(1), null, T0.AddTicks(TimeSpan.TicksPerSecond - (TimeSpan.TicksPerSecond / 3)) },
        { T0, T0.AddSeconds(90), null, T0.AddSeconds(60) },
        // Explicit renewBefore.
        { T0, T0.AddHours(24), TimeSpan.FromHours(1), T0.AddHours(23) },
        // renewBefore as long as or longer than the lifetime: renew at issue time, never before it.
        { T0, T0.AddHours(1), TimeSpan.FromHours(1), T0 },
        { T0, T0.AddHours(1), TimeSpan.FromDays(30), T0 },
        { T0, T0.AddHours(1), TimeSpan.MaxValue, T0 },
        // Never expires: never renewed.
        { T0, null, null, null },
        { T0, null, TimeSpan.FromHours(1), null },
        // Expiry not after issue (corrupt status): renew right away.
        { T0, T0, null, T0 },
        { T0, T0.AddHours(-1), null, T0 },
        // Capped expiry far in the future.
        { T0, ValidityPolicy.MaxExpiresAt, TimeSpan.FromDays(1), ValidityPolicy.MaxExpiresAt.AddDays(-1) },
    };

    [Theory]
    [MemberData(nameof(RenewalCases))]
    public void RenewalTime(DateTimeOffset issuedAt, DateTimeOffset? expiresAt, TimeSpan? renewBefore, DateTimeOffset? expected) =>
        Assert.Equal(expected, ValidityPolicy.RenewalTime(issuedAt, expiresAt, renewBefore));

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void RenewalTime_rejects_non_positive_renewBefore(int seconds) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ValidityPolicy.RenewalTime(T0, T0.AddHours(1), TimeSpan.FromSeconds(seconds)));

    public static TheoryData<long, TimeSpan?, string?> ValidateCases => new()
    {
        { 3600, null, null },
        { -1, null, null },
        { 1, null, null },
        { long.MaxValue, null, null },
        { 3600, TimeSpan.FromMinutes(10), null },
        { 3600, TimeSpan.FromSeconds(3599.5), null },
        { long.MaxValue, TimeSpan.MaxValue, null },
        { 0, null, "validityPeriod must not be 0" },
        { 0, TimeSpan.FromSeconds(1), "validityPeriod must not be 0" },
        { 3600, TimeSpan.Zero, "renewBefore must be positive" },
        { 3600, TimeSpan.FromSeconds(-5), "renewBefore must be positive" },
        { 3600, TimeSpan.FromSeconds(3600), "must be shorter than validityPeriod" },
        { 3600, TimeSpan.FromSeconds(3600.5), "must be shorter than validityPeriod" },
        { 1, TimeSpan.FromSeconds(1), "must be shorter than validityPeriod" },
        { -1, TimeSpan.FromSeconds(1), "cannot be set when validityPeriod is negative" },
    };

    [Theory]
    [MemberData(nameof(ValidateCases))]
    public void Validate(long validity, TimeSpan? renewBefore, string? expectedError)
    {
        var error = ValidityPolicy.Validate(validity, renewBefore);
        if (expectedError is null)
        {
            Assert.Null(error);
        }
        else
        {
            Assert.NotNull(error);
            Assert.Contains(expectedError, error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_renewBefore_error_states_both_values_in_seconds() =>
        Assert.Equal(
            "renewBefore (3600s) must be shorter than validityPeriod (3600s).",
            ValidityPolicy.Validate(3600, TimeSpan.FromHours(1)));
}
