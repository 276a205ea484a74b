using Microsoft.Extensions.Time.Testing;

namespace AppKeys.Credentials.Tests;

public class TokenIssuerSelectorTests
{
    [Theory]
    [InlineData(AccessTokenType.Jwt, typeof(JwtTokenIssuer))]
    [InlineData(AccessTokenType.Opaque, typeof(OpaqueTokenIssuer))]
    public void Selects_the_issuer_of_the_token_type(AccessTokenType type, Type expected)
    {
        var selector = new TokenIssuerSelector(new FakeTimeProvider());
        var issuer = selector.For(type);
        Assert.IsType(expected, issuer);
        Assert.Equal(type, issuer.TokenType);
    }

    [Fact]
    public void Issue_produces_the_requested_type()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56));
        using var key = SigningKeyMaterial.Generate(SigningKeyAlgorithm.ES256, time);
        var selector = new TokenIssuerSelector(time);
        Assert.Equal(AccessTokenType.Jwt, selector.Issue(AccessTokenType.Jwt, TestRequests.Create(key)).TokenType);
        Assert.Equal(AccessTokenType.Opaque, selector.Issue(AccessTokenType.Opaque, TestRequests.Create(key)).TokenType);
    }

    [Fact]
    public void Mismatched_issuers_and_unknown_types_are_rejected()
    {
        var time = new FakeTimeProvider();
        Assert.Throws<ArgumentException>(() => new TokenIssuerSelector(new OpaqueTokenIssuer(time), new JwtTokenIssuer(time)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TokenIssuerSelector(time).For((AccessTokenType)7));
    }
}
