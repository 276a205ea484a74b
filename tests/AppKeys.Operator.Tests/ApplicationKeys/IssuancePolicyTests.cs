using AppKeys.Operator.Controllers.ApplicationKeys;
using AppKeys.Operator.Tests.TestSupport;

namespace AppKeys.Operator.Tests.ApplicationKeys;

public class IssuancePolicyTests
{
    private const string Inputs = "sha256:inputs";

    private static KeySecretRecord Record(long validity = 3600, string? renewRequest = null, long revision = 1) =>
        KeySecretRecord.Read(KeySecretBuilderTests.Build(TestObjects.Key(), TestObjects.Token(TestObjects.Now, validity), revision, renewRequest, Inputs));

    private static IssuanceState State(
        KeySecretRecord? secret,
        long previousRevision = 1,
        string hash = Inputs,
        bool consumerSecretMatches = true,
        string? renewRequest = null,
        TimeSpan? renewBefore = null,
        TimeSpan? elapsed = null) =>
        new(secret, previousRevision, hash, consumerSecretMatches, renewRequest, renewBefore, TestObjects.Now + (elapsed ?? TimeSpan.Zero));

    public static TheoryData<string, IssuanceState, string?> Cases => new()
    {
        { "first issuance", State(null, previousRevision: 0), IssuanceReasons.Initial },
        { "secret deleted", State(null, previousRevision: 4), IssuanceReasons.SecretMissing },
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
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Evaluate(string name, IssuanceState state, string? reason)
    {
        var decision = IssuancePolicy.Evaluate(state);
        Assert.True(reason == decision?.Reason, $"{name}: expected {reason ?? "no issuance"}, got {decision?.Reason ?? "no issuance"}");
    }

    [Fact]
    public void Tampered_secret_is_reissued_before_anything_else()
    {
        var secret = KeySecretBuilderTests.Build(TestObjects.Key(), TestObjects.Token(TestObjects.Now, 3600), hash: Inputs);
        secret.Data["consumerKey"] = [65];
        Assert.Equal(IssuanceReasons.SecretTampered, IssuancePolicy.Evaluate(State(KeySecretRecord.Read(secret), hash: "sha256:other"))?.Reason);
    }

    [Theory]
    [InlineData(3600, null, 2400)]
    [InlineData(3600, 600L, 3000)]
    [InlineData(90, null, 60)]
    [InlineData(3, null, 2)]
    public void Renewal_time(long validity, long? renewBefore, long expectedSecondsAfterIssue)
    {
        var renewal = IssuancePolicy.RenewalTime(Record(validity), renewBefore is { } r ? TimeSpan.FromSeconds(r) : null);
        Assert.Equal(TestObjects.Now.AddSeconds(expectedSecondsAfterIssue), renewal);
    }

    [Fact]
    public void Never_expiring_token_has_no_renewal_time() => Assert.Null(IssuancePolicy.RenewalTime(Record(-1), null));
}
