using AppKeys.Operator.Apis;
using AppKeys.Operator.Controllers.ApplicationKeys;
using AppKeys.Operator.Controllers.Applications;
using AppKeys.Operator.Tests.TestSupport;

namespace AppKeys.Operator.Tests.ApplicationKeys;

public class ApplicationKeyValidatorTests
{
    public static TheoryData<string, Action<V1Alpha1ApplicationKeySpec>, string?, string?> SpecCases => new()
    {
        { "defaults", _ => { }, null, null },
        { "never expires", s => s.ValidityPeriod = -1, null, null },
        { "never expires ignores renewBefore", s => { s.ValidityPeriod = -1; s.RenewBefore = 10; }, null, null },
        { "100 years", s => s.ValidityPeriod = V1Alpha1ApplicationKeySpec.MaxValidityPeriodSeconds, null, null },
        { "zero validity", s => s.ValidityPeriod = 0, ConditionReasons.InvalidSpec, "spec.validityPeriod must not be 0" },
        { "too long validity", s => s.ValidityPeriod = long.MaxValue, ConditionReasons.InvalidSpec, "at most 3155760000" },
        { "renewBefore equal to validity", s => { s.ValidityPeriod = 60; s.RenewBefore = 60; }, ConditionReasons.InvalidSpec, "spec.renewBefore" },
        { "renewBefore zero", s => s.RenewBefore = 0, ConditionReasons.InvalidSpec, "spec.renewBefore must be positive" },
        { "renewBefore negative", s => s.RenewBefore = -5, ConditionReasons.InvalidSpec, "spec.renewBefore must be positive" },
        { "renewBefore huge", s => s.RenewBefore = long.MaxValue, ConditionReasons.InvalidSpec, "spec.renewBefore" },
        { "renewBefore valid", s => { s.ValidityPeriod = 60; s.RenewBefore = 59; }, null, null },
        { "bad key type", s => s.KeyType = "Staging", ConditionReasons.InvalidSpec, "spec.keyType" },
        { "bad scope", s => s.Scopes = ["read orders"], ConditionReasons.InvalidSpec, "spec.scopes" },
        { "bad secret name", s => s.SecretName = "Not_Valid", ConditionReasons.InvalidSpec, "spec.secretName" },
        { "missing application", s => s.ApplicationRef = new V1Alpha1ApplicationReference(), ConditionReasons.InvalidSpec, "spec.applicationRef.name" },
        { "reserved label", s => s.SecretTemplate = new V1Alpha1SecretTemplate { Labels = new Dictionary<string, string> { ["appkeys.io/key"] = "x" } }, ConditionReasons.InvalidSpec, "appkeys.io/key" },
        { "reserved annotation", s => s.SecretTemplate = new V1Alpha1SecretTemplate { Annotations = new Dictionary<string, string> { ["app.kubernetes.io/managed-by"] = "me" } }, ConditionReasons.InvalidSpec, "managed-by" },
        { "template ok", s => s.SecretTemplate = new V1Alpha1SecretTemplate { Labels = new Dictionary<string, string> { ["team"] = "a" } }, null, null },
        { "prefixed template label ok", s => s.SecretTemplate = new V1Alpha1SecretTemplate { Labels = new Dictionary<string, string> { ["example.com/team"] = "a-b_c.d" } }, null, null },
        { "label key with a space", s => s.SecretTemplate = new V1Alpha1SecretTemplate { Labels = new Dictionary<string, string> { ["bad key"] = "x" } }, ConditionReasons.InvalidSpec, "not a valid label key" },
        { "label key with an upper-case prefix", s => s.SecretTemplate = new V1Alpha1SecretTemplate { Labels = new Dictionary<string, string> { ["AppKeys.io/key"] = "x" } }, ConditionReasons.InvalidSpec, "not a valid label key" },
        { "label key name over 63", s => s.SecretTemplate = new V1Alpha1SecretTemplate { Labels = new Dictionary<string, string> { [new string('l', 64)] = "x" } }, ConditionReasons.InvalidSpec, "not a valid label key" },
        { "label value over 63", s => s.SecretTemplate = new V1Alpha1SecretTemplate { Labels = new Dictionary<string, string> { ["team"] = new string('v', 64) } }, ConditionReasons.InvalidSpec, "at most 63 characters" },
        { "label value ending in a dash", s => s.SecretTemplate = new V1Alpha1SecretTemplate { Labels = new Dictionary<string, string> { ["team"] = "a-" } }, ConditionReasons.InvalidSpec, "spec.secretTemplate.labels[team]" },
        { "empty label value ok", s => s.SecretTemplate = new V1Alpha1SecretTemplate { Labels = new Dictionary<string, string> { ["team"] = "" } }, null, null },
        { "annotation key without a name", s => s.SecretTemplate = new V1Alpha1SecretTemplate { Annotations = new Dictionary<string, string> { ["example.com/"] = "x" } }, ConditionReasons.InvalidSpec, "not a valid annotation key" },
        { "annotations too large", s => s.SecretTemplate = new V1Alpha1SecretTemplate { Annotations = new Dictionary<string, string> { ["big"] = new string('x', 256 * 1024) } }, ConditionReasons.InvalidSpec, "must total less than" },
        { "long annotation value ok", s => s.SecretTemplate = new V1Alpha1SecretTemplate { Annotations = new Dictionary<string, string> { ["note"] = new string('x', 10_000) } }, null, null },
        { "application name over 63", s => s.ApplicationRef = new V1Alpha1ApplicationReference { Name = new string('a', 64) }, ConditionReasons.InvalidSpec, "spec.applicationRef.name must be at most 63" },
    };

    [Theory]
    [MemberData(nameof(SpecCases))]
    public void ValidateSpec(string name, Action<V1Alpha1ApplicationKeySpec> configure, string? reason, string? messagePart)
    {
        var problem = ApplicationKeyValidator.ValidateSpec(TestObjects.Key(configure));
        Assert.True(reason == problem?.Reason, $"{name}: expected {reason ?? "valid"}, got {problem?.Reason ?? "valid"} ({problem?.Message})");
        if (messagePart is not null)
        {
            Assert.Contains(messagePart, problem!.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(63, null)]
    [InlineData(64, "metadata.name must be at most 63 characters")]
    public void Key_name_must_fit_a_label_value(int length, string? messagePart)
    {
        var problem = ApplicationKeyValidator.ValidateSpec(TestObjects.Key(name: new string('k', length)));
        Assert.Equal(messagePart is null ? null : ConditionReasons.InvalidSpec, problem?.Reason);
        if (messagePart is not null)
        {
            Assert.Contains(messagePart, problem!.Message, StringComparison.Ordinal);
        }
    }

    public static TheoryData<string, Action<V1Alpha1ApplicationSpec>, Action<V1Alpha1ApplicationKeySpec>, string?> ApplicationCases => new()
    {
        { "production default", _ => { }, _ => { }, null },
        { "sandbox not enabled", _ => { }, k => k.KeyType = KeyTypes.Sandbox, ConditionReasons.KeyTypeNotEnabled },
        { "sandbox enabled", a => a.KeyTypes = [KeyTypes.Production, KeyTypes.Sandbox], k => k.KeyType = KeyTypes.Sandbox, null },
        { "any scope without allowedScopes", _ => { }, k => k.Scopes = ["anything"], null },
        { "allowed scopes", a => a.AllowedScopes = ["read", "write"], k => k.Scopes = ["read"], null },
        { "scope outside allowedScopes", a => a.AllowedScopes = ["read"], k => k.Scopes = ["read", "admin"], ConditionReasons.ScopeNotAllowed },
        { "empty allowedScopes refuses all", a => a.AllowedScopes = [], k => k.Scopes = ["read"], ConditionReasons.ScopeNotAllowed },
        { "no scopes always allowed", a => a.AllowedScopes = [], _ => { }, null },
        { "key type checked before scopes", a => a.AllowedScopes = [], k => { k.KeyType = KeyTypes.Sandbox; k.Scopes = ["x"]; }, ConditionReasons.KeyTypeNotEnabled },
    };

    [Theory]
    [MemberData(nameof(ApplicationCases))]
    public void ValidateAgainst(string name, Action<V1Alpha1ApplicationSpec> app, Action<V1Alpha1ApplicationKeySpec> key, string? reason)
    {
        var problem = ApplicationKeyValidator.ValidateAgainst(
            EffectiveKeySpec.From(TestObjects.Key(key)),
            EffectiveApplicationSpec.From(TestObjects.Application(app)));
        Assert.True(reason == problem?.Reason, $"{name}: expected {reason ?? "valid"}, got {problem?.Reason ?? "valid"} ({problem?.Message})");
    }

    [Fact]
    public void ScopeNotAllowed_names_the_refused_scopes()
    {
        var problem = ApplicationKeyValidator.ValidateAgainst(
            EffectiveKeySpec.From(TestObjects.Key(k => k.Scopes = ["read", "admin"])),
            EffectiveApplicationSpec.From(TestObjects.Application(a => a.AllowedScopes = ["read"])));
        Assert.Contains("admin", problem!.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("read,", problem.Message, StringComparison.Ordinal);
    }
}
