using Microsoft.Extensions.Time.Testing;

namespace AppKeys.Credentials.Tests;

public class OpaqueTokenIssuerTests
{
    private static readonly DateTimeOffset Now = new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero).AddMilliseconds(250);

    [Theory]
    [InlineData(3600L, 3600L)]
    [InlineData(1L, 1L)]
    [InlineData(-1L, null)]
    [InlineData(long.MinValue, null)]
    public void Issues_a_random_token_with_fingerprint_id_and_expiry(long validity, long? expectedLifetime)
    {
        var time = new FakeTimeProvider(Now);
        var issued = new OpaqueTokenIssuer(time).Issue(TestRequests.Create(key: null, validitySeconds: validity));

        Assert.Equal(AccessTokenType.Opaque, issued.TokenType);
        Assert.Matches("^[A-Za-z0-9_-]{43}$", issued.AccessToken.Reveal());
        Assert.Equal(TokenFingerprint.Compute(issued.AccessToken), issued.TokenId);
        Assert.Null(issued.KeyId);
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(Now.ToUnixTimeSeconds());
        Assert.Equal(issuedAt, issued.IssuedAt);
        Assert.Equal(expectedLifetime is { } s ? issuedAt.AddSeconds(s) : null, issued.ExpiresAt);
        Assert.DoesNotContain(issued.AccessToken.Reveal(), issued.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Validity_zero_is_rejected()
    {
        var issuer = new OpaqueTokenIssuer(new FakeTimeProvider(Now));
        Assert.Throws<ArgumentException>(() => issuer.Issue(TestRequests.Create(key: null, validitySeconds: 0)));
    }

    [Fact]
    public void Tokens_are_unique()
    {
        var issuer = new OpaqueTokenIssuer(new FakeTimeProvider(Now));
        var tokens = Enumerable.Range(0, 1000).Select(_ => issuer.Issue(TestRequests.Create(null)).AccessToken.Reveal()).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(1000, tokens.Count);
    }
}
