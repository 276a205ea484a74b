using AppKeys.Operator.Apis;
using AppKeys.Operator.Controllers;
using AppKeys.Operator.Controllers.Applications;
using AppKeys.Operator.Tests.TestSupport;

namespace AppKeys.Operator.Tests.Applications;

/// <summary>
/// The operator's own checks end their patterns with <c>\z</c>: .NET's <c>$</c> also matches before a final newline,
/// so <c>"name\n"</c> would pass a <c>^...$</c> pattern that kube (Go RE2) rejects. The CRD schema keeps <c>$</c>, which
/// Go reads as the end of the text.
/// </summary>
public class EndOfTextValidationTests
{
    [Theory]
    [InlineData("shop-credentials")]
    [InlineData("a.b")]
    public void Object_names_with_a_trailing_newline_are_invalid(string valid)
    {
        Assert.True(ObjectNames.IsValid(valid));
        Assert.False(ObjectNames.IsValid(valid + "\n"));
    }

    [Fact]
    public void Scopes_with_a_trailing_newline_are_invalid()
    {
        Assert.True(Scopes.IsValid("orders:read"));
        Assert.False(Scopes.IsValid("orders:read\n"));
    }

    [Fact]
    public void Label_keys_and_values_with_a_trailing_newline_are_invalid()
    {
        Assert.True(MetadataRules.IsLabelValue("gold"));
        Assert.False(MetadataRules.IsLabelValue("gold\n"));
        Assert.True(MetadataRules.IsQualifiedName("example.com/tier"));
        Assert.False(MetadataRules.IsQualifiedName("example.com/tier\n"));
        Assert.False(MetadataRules.IsQualifiedName("example.com\n/tier"));
    }

    [Theory]
    [InlineData("throttlingPolicy")]
    [InlineData("secretName")]
    [InlineData("allowedScopes")]
    public void The_application_validator_rejects_a_trailing_newline(string field)
    {
        var problem = ApplicationValidator.Validate(TestObjects.Application(s =>
        {
            switch (field)
            {
                case "throttlingPolicy":
                    s.ThrottlingPolicy = "Unlimited\n";
                    break;
                case "secretName":
                    s.SecretName = "shop-credentials\n";
                    break;
                default:
                    s.AllowedScopes = ["orders:read\n"];
                    break;
            }
        }));

        Assert.Equal(ConditionReasons.InvalidSpec, problem?.Reason);
        Assert.Contains("spec." + field, problem!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_CRD_patterns_keep_Go_end_anchors()
    {
        // What the generated CRDs carry (Go reads "$" as the end of the text): unchanged by the .NET variants.
        Assert.Equal(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", AppKeysApi.DnsSubdomainPattern);
        Assert.Equal(@"^[\x21\x23-\x5B\x5D-\x7E]+$", AppKeysApi.ScopePattern);
    }
}
