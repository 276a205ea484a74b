using AppKeys.Operator.Apis;
using AppKeys.Operator.Controllers;
using AppKeys.Operator.Controllers.ApplicationKeys;
using AppKeys.Operator.Tests.TestSupport;
using k8s.Models;

namespace AppKeys.Operator.Tests.ApplicationKeys;

public class EntitlementTests
{
    public static TheoryData<string, Action<V1Alpha1Application>?, Action<V1Alpha1ApplicationKeySpec>, string?> Cases => new()
    {
        { "production default", _ => { }, _ => { }, null },
        { "no application", null, _ => { }, ConditionReasons.ApplicationNotFound },
        { "application being deleted", a => a.Metadata.DeletionTimestamp = TestObjects.Now.UtcDateTime, _ => { }, ConditionReasons.ApplicationNotFound },
        { "sandbox not enabled", _ => { }, k => k.KeyType = KeyTypes.Sandbox, ConditionReasons.KeyTypeNotEnabled },
        { "sandbox enabled", a => a.Spec.KeyTypes = [KeyTypes.Production, KeyTypes.Sandbox], k => k.KeyType = KeyTypes.Sandbox, null },
        { "any scope without allowedScopes", _ => { }, k => k.Scopes = ["anything"], null },
        { "allowed scopes", a => a.Spec.AllowedScopes = ["read", "write"], k => k.Scopes = ["read"], null },
        { "scope outside allowedScopes", a => a.Spec.AllowedScopes = ["read"], k => k.Scopes = ["read", "admin"], ConditionReasons.ScopeNotAllowed },
        { "empty allowedScopes refuses all", a => a.Spec.AllowedScopes = [], k => k.Scopes = ["read"], ConditionReasons.ScopeNotAllowed },
        { "no scopes always allowed", a => a.Spec.AllowedScopes = [], _ => { }, null },
        { "key type checked before scopes", a => a.Spec.AllowedScopes = [], k => { k.KeyType = KeyTypes.Sandbox; k.Scopes = ["x"]; }, ConditionReasons.KeyTypeNotEnabled },
        { "application not Ready", a => a.Status.Conditions = [new V1Condition { Type = "Ready", Status = "False", Reason = ConditionReasons.InvalidSpec, Message = "bad" }], _ => { }, ConditionReasons.ApplicationNotReady },
        { "application Ready", a => a.Status.Conditions = [new V1Condition { Type = "Ready", Status = "True", Reason = ConditionReasons.CredentialsReady, Message = "ok" }], _ => { }, null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Check(string name, Action<V1Alpha1Application>? app, Action<V1Alpha1ApplicationKeySpec> key, string? reason)
    {
        V1Alpha1Application? application = null;
        if (app is not null)
        {
            application = TestObjects.Application();
            app(application);
        }

        var problem = Entitlement.Check(EffectiveKeySpec.From(TestObjects.Key(key)), application);
        Assert.True(reason == problem?.Reason, $"{name}: expected {reason ?? "entitled"}, got {problem?.Reason ?? "entitled"} ({problem?.Message})");
    }

    [Theory]
    [InlineData(ConditionReasons.ApplicationNotFound, true)]
    [InlineData(ConditionReasons.KeyTypeNotEnabled, true)]
    [InlineData(ConditionReasons.ScopeNotAllowed, true)]
    [InlineData(ConditionReasons.ApplicationNotReady, false)]
    [InlineData(ConditionReasons.InvalidSpec, false)]
    [InlineData(ConditionReasons.SecretConflict, false)]
    public void Which_reasons_withdraw_access(string reason, bool withdraws) => Assert.Equal(withdraws, Entitlement.Withdraws(reason));

    [Fact]
    public void ScopeNotAllowed_names_the_refused_scopes()
    {
        var problem = Entitlement.Check(EffectiveKeySpec.From(TestObjects.Key(k => k.Scopes = ["read", "admin"])), TestObjects.Application(a => a.AllowedScopes = ["read"]));
        Assert.NotNull(problem);
        Assert.Contains("admin", problem.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("read,", problem.Message, StringComparison.Ordinal);
    }
}
