using AppKeys.Operator.Controllers.ApplicationKeys;
using AppKeys.Operator.Tests.TestSupport;

namespace AppKeys.Operator.Tests.ApplicationKeys;

public class IssuancePolicyTests
{
    private const string Inputs = "sha256:inputs";

    internal static TokenRecord Record(long validity = 3600, string? renewRequest = null, long revision = 1) =>
        new("CK0123456789012345678901234a", "Production", "JWT", [], "jti-1", TestObjects.Now, Credentials.ValidityPolicy.ExpiresAt(TestObjects.Now, validity), revision, Inputs, IssuancePolicy.RequestHash(renewRequest));

    private static IssuanceState State(
        TokenRecord? record,
        bool secretExists = true,
        bool holds = true,
        long previousRevision = 1,
        string hash = Inputs,
        bool consumerSecretMatches = true,
        string? renewRequest = null,
        TimeSpan? renewBefore = null,
        TimeSpan? elapsed = null) =>
        new(record, secretExists, holds && record is not null, previousRevision, hash, consumerSecretMatches, renewRequest, renewBefore ?? TimeSpan.FromSeconds(1200), TestObjects.Now + (elapsed ?? TimeSpan.Zero));

    public static TheoryData<string, IssuanceState, string?> Cases => new()
    {
        { "first issuance", State(null, secretExists: false, previousRevision: 0), IssuanceReasons.Initial },
        { "secret deleted", State(Record(), secretExists: false, holds: false, previousRevision: 4), IssuanceReasons.SecretMissing },
        { "withdrawn, then entitled again", State(null, secretExists: false, previousRevision: 4), IssuanceReasons.SecretMissing },
        { "token in the Secret is not the recorded one", State(Record(), holds: false), IssuanceReasons.SecretTampered },
        { "a Secret but no record (status lost or upgrade)", State(null), IssuanceReasons.SecretTampered },
        { "valid and fresh", State(Record()), null },
        { "restart right after issuance", State(Record(), elapsed: TimeSpan.FromSeconds(1)), null },
        { "spec changed", State(Record(), hash: "sha256:other"), IssuanceReasons.SpecChanged },
        { "consumer secret regenerated", State(Record(), consumerSecretMatches: false), IssuanceReasons.ConsumerSecretRegenerated },
        { "renew requested", State(Record(), renewRequest: "2026-03-01"), IssuanceReasons.RenewRequested },
        { "renew request already honoured", State(Record(renewRequest: "2026-03-01"), renewRequest: "2026-03-01"), null },
        { "renew request changed", State(Record(renewRequest: "1"), renewRequest: "2"), IssuanceReasons.RenewRequested },
        { "renew annotation removed", State(Record(renewRequest: "1"), renewRequest: null), null },
        { "just before default renewal (2/3 of 1h)", State(Record(), elapsed: TimeSpan.FromMinutes(40) - TimeSpan.FromSeconds(1)), null },
        { "at default renewal", State(Record(), elapsed: TimeSpan.FromMinutes(40)), IssuanceReasons.Expiring },
        { "expired", State(Record(), elapsed: TimeSpan.FromHours(2)), IssuanceReasons.Expiring },
        { "renewBefore 5 min: 54 min in", State(Record(), renewBefore: TimeSpan.FromMinutes(5), elapsed: TimeSpan.FromMinutes(54)), null },
        { "renewBefore 5 min: 55 min in", State(Record(), renewBefore: TimeSpan.FromMinutes(5), elapsed: TimeSpan.FromMinutes(55)), IssuanceReasons.Expiring },
        { "never expires, 200 years later", State(Record(validity: -1), elapsed: TimeSpan.FromDays(365 * 200)), null },
        { "100-year validity, 50 years later", State(Record(validity: 3_155_760_000), elapsed: TimeSpan.FromDays(365 * 50)), null },
        { "spec change beats expiry", State(Record(), hash: "sha256:other", elapsed: TimeSpan.FromHours(2)), IssuanceReasons.SpecChanged },
        { "a foreign token beats a spec change", State(Record(), holds: false, hash: "sha256:other"), IssuanceReasons.SecretTampered },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Evaluate(string name, IssuanceState state, string? reason)
    {
        var decision = IssuancePolicy.Evaluate(state);
        Assert.True(reason == decision?.Reason, $"{name}: expected {reason ?? "no issuance"}, got {decision?.Reason ?? "no issuance"}");
    }

    [Theory]
    [InlineData(3600, null, 2400)]
    [InlineData(3600, 600L, 3000)]
    [InlineData(600, null, 300)]
    [InlineData(900, null, 600)]
    [InlineData(1000, null, 667)]
    public void Renewal_time_is_whole_seconds_and_leaves_the_token_in_use_for_at_least_5_minutes(long validity, long? renewBefore, long expectedSecondsAfterIssue)
    {
        var spec = EffectiveKeySpec.From(TestObjects.Key(s => { s.ValidityPeriod = validity; s.RenewBefore = renewBefore; }));
        var renewal = IssuancePolicy.RenewalTime(Record(validity), spec.RenewBeforeSpan);
        Assert.Equal(TestObjects.Now.AddSeconds(expectedSecondsAfterIssue), renewal);
    }

    [Fact]
    public void Never_expiring_token_has_no_renewal_time() => Assert.Null(IssuancePolicy.RenewalTime(Record(-1), null));

    public static TheoryData<string, string, TimeSpan, bool> RateCases => new()
    {
        { "renewal 59 s after the last token", IssuanceReasons.Expiring, TimeSpan.FromSeconds(59), false },
        { "renewal 60 s after", IssuanceReasons.Expiring, TimeSpan.FromSeconds(60), true },
        { "renew request 4 s after", IssuanceReasons.RenewRequested, TimeSpan.FromSeconds(4), false },
        { "renew request 5 s after", IssuanceReasons.RenewRequested, TimeSpan.FromSeconds(5), true },
        { "deleted Secret 1 s after", IssuanceReasons.SecretMissing, TimeSpan.FromSeconds(1), false },
        { "spec change 10 s after", IssuanceReasons.SpecChanged, TimeSpan.FromSeconds(10), true },
    };

    [Theory]
    [MemberData(nameof(RateCases))]
    public void Issuance_is_rate_limited_per_key(string name, string reason, TimeSpan after, bool allowed)
    {
        var earliest = IssuanceRate.Earliest(TestObjects.Now, reason);
        Assert.True(allowed == (TestObjects.Now + after >= earliest), name);
        Assert.Null(IssuanceRate.Earliest(null, reason));
    }
}
