using AppKeys.Operator.Apis;
using AppKeys.Operator.Controllers.ApplicationKeys;
using AppKeys.Operator.Tests.TestSupport;

namespace AppKeys.Operator.Tests.ApplicationKeys;

public class ApplicationKeyValidatorTests
{
    public static TheoryData<string, Action<V1Alpha1ApplicationKeySpec>, string?, string?> SpecCases => new()
    {
        { "defaults", _ => { }, null, null },
        { "never expires", s => s.ValidityPeriod = -1, null, null },
        { "never expires ignores renewBefore", s => { s.ValidityPeriod = -1; s.RenewBefore = 10; }, null, null },
        { "shortest validity", s => s.ValidityPeriod = 600, null, null },
        { "validity under 600", s => s.ValidityPeriod = 599, ConditionReasons.InvalidSpec, "spec.validityPeriod must be at least 600 seconds" },
        { "validity 1 (a renewal storm)", s => s.ValidityPeriod = 1, ConditionReasons.InvalidSpec, "at least 600" },
        { "renewBefore 3599 of 3600 (a renewal storm)", s => { s.ValidityPeriod = 3600; s.RenewBefore = 3599; }, ConditionReasons.InvalidSpec, "at most spec.validityPeriod - 300 (3300 seconds)" },
        { "renewBefore at the upper limit", s => { s.ValidityPeriod = 3600; s.RenewBefore = 3300; }, null, null },
        { "renewBefore under 300", s => s.RenewBefore = 299, ConditionReasons.InvalidSpec, "spec.renewBefore must be at least 300" },
        { "600 with renewBefore 300", s => { s.ValidityPeriod = 600; s.RenewBefore = 300; }, null, null },
        { "100 years", s => s.ValidityPeriod = V1Alpha1ApplicationKeySpec.MaxValidityPeriodSeconds, null, null },
        { "zero validity", s => s.ValidityPeriod = 0, ConditionReasons.InvalidSpec, "spec.validityPeriod must not be 0" },
        { "too long validity", s => s.ValidityPeriod = long.MaxValue, ConditionReasons.InvalidSpec, "at most 3155760000" },
        { "renewBefore equal to validity", s => { s.ValidityPeriod = 900; s.RenewBefore = 900; }, ConditionReasons.InvalidSpec, "spec.renewBefore" },
        { "renewBefore zero", s => s.RenewBefore = 0, ConditionReasons.InvalidSpec, "spec.renewBefore must be at least 300" },
        { "renewBefore negative", s => s.RenewBefore = -5, ConditionReasons.InvalidSpec, "spec.renewBefore must be at least 300" },
        { "renewBefore huge", s => s.RenewBefore = long.MaxValue, ConditionReasons.InvalidSpec, "spec.renewBefore" },
        { "renewBefore valid", s => { s.ValidityPeriod = 900; s.RenewBefore = 600; }, null, null },
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
}
