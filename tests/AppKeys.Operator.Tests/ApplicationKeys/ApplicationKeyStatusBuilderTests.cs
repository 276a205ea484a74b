using AppKeys.Operator.Apis;
using AppKeys.Operator.Controllers;
using AppKeys.Operator.Controllers.ApplicationKeys;
using AppKeys.Operator.Tests.TestSupport;
using k8s.Models;

namespace AppKeys.Operator.Tests.ApplicationKeys;

public class ApplicationKeyStatusBuilderTests
{
    private static (V1Alpha1ApplicationKey Key, TokenRecord Record) Issued(Action<V1Alpha1ApplicationKeySpec> configure, long validity, long revision = 1)
    {
        var key = TestObjects.Key(configure);
        var record = IssuancePolicyTests.Record(validity, revision: revision) with { Scopes = EffectiveKeySpec.From(key).Scopes };
        return (key, record);
    }

    private static V1Condition Ready(V1Alpha1ApplicationKeyStatus status) => Assert.Single(status.Conditions!, c => c.Type == "Ready");

    [Fact]
    public void Ready_status_reports_times_scopes_and_token_id()
    {
        var (key, record) = Issued(s => { s.Scopes = ["b", "a"]; s.RenewBefore = 600; }, 3600, revision: 2);
        var status = ApplicationKeyStatusBuilder.Build(key, EffectiveKeySpec.From(key), record, null, [], TestObjects.Now);

        Assert.Equal("True", Ready(status).Status);
        Assert.Equal(ConditionReasons.Issued, Ready(status).Reason);
        Assert.Equal(1, Ready(status).ObservedGeneration);
        Assert.Equal(1, status.ObservedGeneration);
        Assert.Equal("sha256:inputs", status.IssuanceHash);
        Assert.Equal(TestObjects.Now.UtcDateTime, status.IssuedAt);
        Assert.Equal(TestObjects.Now.AddHours(1).UtcDateTime, status.ExpiresAt);
        Assert.Equal(TestObjects.Now.AddMinutes(50).UtcDateTime, status.RenewalTime);
        Assert.Equal(["a", "b"], status.Scopes);
        Assert.Equal("jti-1", status.TokenId);
        Assert.Equal(2, status.Revision);
        Assert.Equal("shop-prod", status.SecretName);
        Assert.Equal("CK0123456789012345678901234a", status.ConsumerKey);
        Assert.Equal("JWT", status.TokenType);
        Assert.Equal("Production", status.KeyType);
    }

    [Fact]
    public void Never_expiring_token_has_no_expiry_nor_renewal()
    {
        var (key, record) = Issued(s => s.ValidityPeriod = -1, -1);
        var status = ApplicationKeyStatusBuilder.Build(key, EffectiveKeySpec.From(key), record, null, [], TestObjects.Now);
        Assert.Null(status.ExpiresAt);
        Assert.Null(status.RenewalTime);
        Assert.Contains("never expires", Ready(status).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Very_large_validity_is_capped_and_representable()
    {
        var (key, record) = Issued(s => s.ValidityPeriod = V1Alpha1ApplicationKeySpec.MaxValidityPeriodSeconds, V1Alpha1ApplicationKeySpec.MaxValidityPeriodSeconds);
        var status = ApplicationKeyStatusBuilder.Build(key, EffectiveKeySpec.From(key), record, null, [], TestObjects.Now);
        Assert.Equal(2126, status.ExpiresAt!.Value.Year);
        Assert.True(status.RenewalTime < status.ExpiresAt);
    }

    [Theory]
    [InlineData(ConditionReasons.ApplicationNotFound)]
    [InlineData(ConditionReasons.ApplicationNotReady)]
    [InlineData(ConditionReasons.KeyTypeNotEnabled)]
    [InlineData(ConditionReasons.InvalidSpec)]
    [InlineData(ConditionReasons.ScopeNotAllowed)]
    [InlineData(ConditionReasons.SecretConflict)]
    [InlineData(ConditionReasons.IssuanceFailed)]
    public void Not_ready_reasons_are_reported_and_revision_survives_a_missing_secret(string reason)
    {
        var key = TestObjects.Key();
        key.Status = new V1Alpha1ApplicationKeyStatus { Revision = 4, TokenId = "old", ExpiresAt = DateTime.UtcNow };
        var status = ApplicationKeyStatusBuilder.Build(key, EffectiveKeySpec.From(key), null, new NotReady(reason, "because"), [], TestObjects.Now);
        Assert.Equal("False", Ready(status).Status);
        Assert.Equal(reason, Ready(status).Reason);
        Assert.Equal("because", Ready(status).Message);
        Assert.Equal(4, status.Revision);
        Assert.Null(status.TokenId);
        Assert.Null(status.ExpiresAt);
    }

    [Fact]
    public void Transition_time_is_kept_while_the_condition_does_not_flip()
    {
        var (key, record) = Issued(_ => { }, 3600);
        var first = ApplicationKeyStatusBuilder.Build(key, EffectiveKeySpec.From(key), record, null, [], TestObjects.Now);
        key.Status = first;
        var later = ApplicationKeyStatusBuilder.Build(key, EffectiveKeySpec.From(key), record, null, [], TestObjects.Now.AddMinutes(5));
        Assert.Equal(Ready(first).LastTransitionTime, Ready(later).LastTransitionTime);
        var failed = ApplicationKeyStatusBuilder.Build(key, EffectiveKeySpec.From(key), record, new NotReady(ConditionReasons.SecretConflict, "x"), [], TestObjects.Now.AddMinutes(6));
        Assert.Equal(TestObjects.Now.AddMinutes(6).UtcDateTime, Ready(failed).LastTransitionTime);
    }
}
