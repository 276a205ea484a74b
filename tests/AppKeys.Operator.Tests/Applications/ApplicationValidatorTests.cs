using AppKeys.Operator.Apis;
using AppKeys.Operator.Controllers.Applications;
using AppKeys.Operator.Tests.TestSupport;

namespace AppKeys.Operator.Tests.Applications;

public class ApplicationValidatorTests
{
    public static TheoryData<string, Action<V1Alpha1ApplicationSpec>, string?> Cases => new()
    {
        { "defaults", _ => { }, null },
        { "opaque", s => s.TokenType = TokenTypes.Opaque, null },
        { "bad token type", s => s.TokenType = "OAUTH", "spec.tokenType" },
        { "bad key type", s => s.KeyTypes = ["Production", "Dev"], "spec.keyTypes" },
        { "bad grant type", s => s.GrantTypes = ["magic"], "spec.grantTypes" },
        { "bad scope", s => s.AllowedScopes = ["a b"], "spec.allowedScopes" },
        { "bad throttling policy", s => s.ThrottlingPolicy = "10 per min", "spec.throttlingPolicy" },
        { "bad callback", s => s.CallbackUrl = "ftp://x", "spec.callbackUrl" },
        { "good callback", s => s.CallbackUrl = "https://example.com/cb", null },
        { "long display name", s => s.DisplayName = new string('x', 71), "spec.displayName" },
        { "bad secret name", s => s.SecretName = "UPPER", "spec.secretName" },
        { "rotation with a grace period and a period", s => s.SecretRotation = new() { GracePeriodSeconds = 600, PeriodSeconds = 86_400 }, null },
        { "empty rotation", s => s.SecretRotation = new(), null },
        { "negative grace period", s => s.SecretRotation = new() { GracePeriodSeconds = -1 }, "spec.secretRotation.gracePeriodSeconds" },
        { "grace period over 30 days", s => s.SecretRotation = new() { GracePeriodSeconds = 2_592_001 }, "spec.secretRotation.gracePeriodSeconds" },
        { "period under an hour", s => s.SecretRotation = new() { PeriodSeconds = 3_599 }, "spec.secretRotation.periodSeconds" },
        { "negative period", s => s.SecretRotation = new() { PeriodSeconds = -3_600 }, "spec.secretRotation.periodSeconds" },
        { "period over 366 days", s => s.SecretRotation = new() { PeriodSeconds = 31_622_401 }, "spec.secretRotation.periodSeconds" },
        { "grace period not shorter than the period", s => s.SecretRotation = new() { GracePeriodSeconds = 7_200, PeriodSeconds = 7_200 }, "less than periodSeconds" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Validate(string name, Action<V1Alpha1ApplicationSpec> configure, string? messagePart)
    {
        var problem = ApplicationValidator.Validate(TestObjects.Application(configure));
        if (messagePart is null)
        {
            Assert.True(problem is null, $"{name}: {problem?.Message}");
        }
        else
        {
            Assert.Equal(ConditionReasons.InvalidSpec, problem?.Reason);
            Assert.Contains(messagePart, problem!.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Defaults_are_applied()
    {
        var spec = EffectiveApplicationSpec.From(TestObjects.Application());
        Assert.Equal(TokenTypes.Jwt, spec.TokenType);
        Assert.Equal("Unlimited", spec.ThrottlingPolicy);
        Assert.Equal([KeyTypes.Production], spec.KeyTypes);
        Assert.Equal([GrantTypes.ClientCredentials], spec.GrantTypes);
        Assert.Equal("shop-credentials", spec.SecretName);
        Assert.Equal("shop", spec.DisplayName);
        Assert.Null(spec.AllowedScopes);
    }
}
