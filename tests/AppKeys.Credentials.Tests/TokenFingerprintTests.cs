namespace AppKeys.Credentials.Tests;

public class TokenFingerprintTests
{
    [Theory]
    // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
    [InlineData("abc", "sha256:ba7816bf8f01cfea")]
    // SHA-256("") = e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
    [InlineData("", "sha256:e3b0c44298fc1c14")]
    public void Known_values(string token, string expected) => Assert.Equal(expected, TokenFingerprint.Compute(token));

    [Fact]
    public void Fingerprint_is_short_and_does_not_contain_the_token()
    {
        var token = OpaqueTokenGenerator.Generate();
        var fingerprint = TokenFingerprint.Compute(token);
        Assert.Matches("^sha256:[0-9a-f]{16}$", fingerprint);
        Assert.DoesNotContain(token.Reveal(), fingerprint, StringComparison.Ordinal);
        Assert.Equal(fingerprint, TokenFingerprint.Compute(token.Reveal()));
    }

    [Fact]
    public void Different_tokens_have_different_fingerprints()
    {
        Assert.NotEqual(TokenFingerprint.Compute("token-a"), TokenFingerprint.Compute("token-b"));
    }
}
