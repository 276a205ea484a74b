namespace AppKeys.Credentials.Tests;

public class ApplicationKeyTypesTests
{
    [Theory]
    [InlineData(ApplicationKeyType.Production, "PRODUCTION")]
    [InlineData(ApplicationKeyType.Sandbox, "SANDBOX")]
    public void Claim_values(ApplicationKeyType type, string expected) => Assert.Equal(expected, type.ToClaimValue());

    [Theory]
    [InlineData("PRODUCTION", true, ApplicationKeyType.Production)]
    [InlineData("Production", true, ApplicationKeyType.Production)]
    [InlineData("sandbox", true, ApplicationKeyType.Sandbox)]
    [InlineData("SANDBOX", true, ApplicationKeyType.Sandbox)]
    [InlineData("staging", false, ApplicationKeyType.Production)]
    [InlineData("", false, ApplicationKeyType.Production)]
    [InlineData(null, false, ApplicationKeyType.Production)]
    public void TryParse(string? value, bool ok, ApplicationKeyType expected)
    {
        Assert.Equal(ok, ApplicationKeyTypes.TryParse(value, out var parsed));
        Assert.Equal(expected, parsed);
    }

    [Fact]
    public void Unknown_enum_value_throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ((ApplicationKeyType)9).ToClaimValue());
}
