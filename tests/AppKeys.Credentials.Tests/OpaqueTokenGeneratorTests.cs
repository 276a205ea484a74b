namespace AppKeys.Credentials.Tests;

public class OpaqueTokenGeneratorTests
{
    [Fact]
    public void Tokens_are_256_bit_base64url_and_unique()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 10_000; i++)
        {
            var token = OpaqueTokenGenerator.Generate().Reveal();
            Assert.Matches("^[A-Za-z0-9_-]{43}$", token);
            Assert.Equal(OpaqueTokenGenerator.TokenLength, token.Length);
            Assert.Equal(32, System.Buffers.Text.Base64Url.DecodeFromChars(token).Length);
            Assert.True(seen.Add(token));
        }
    }
}
