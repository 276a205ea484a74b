namespace AppKeys.Credentials.Tests;

public class ConsumerCredentialGeneratorTests
{
    private const int Draws = 10_000;

    [Fact]
    public void Consumer_key_has_28_chars_of_the_WSO2_alphabet()
    {
        for (var i = 0; i < 1000; i++)
        {
            var key = ConsumerCredentialGenerator.GenerateConsumerKey();
            Assert.Equal(28, key.Length);
            Assert.Matches("^[A-Za-z0-9_]{28}$", key);
            Assert.True(ConsumerCredentialGenerator.IsWellFormedConsumerKey(key));
        }
    }

    [Fact]
    public void Consumer_secret_is_43_base64url_chars()
    {
        for (var i = 0; i < 1000; i++)
        {
            var secret = ConsumerCredentialGenerator.GenerateConsumerSecret().Reveal();
            Assert.Matches("^[A-Za-z0-9_-]{43}$", secret);
            Assert.Equal(32, System.Buffers.Text.Base64Url.DecodeFromChars(secret).Length);
            Assert.True(ConsumerCredentialGenerator.IsWellFormedConsumerSecret(secret));
        }
    }

    [Fact]
    public void Keys_and_secrets_are_unique_over_many_draws()
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var secrets = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Draws; i++)
        {
            var credentials = ConsumerCredentialGenerator.Generate();
            Assert.True(keys.Add(credentials.ConsumerKey));
            Assert.True(secrets.Add(credentials.ConsumerSecret.Reveal()));
        }
    }

    [Fact]
    public void Every_alphabet_symbol_occurs_with_plausible_frequency()
    {
        // 10,000 keys × 28 chars = 280,000 draws over 63 symbols: ~4,444 each. A broken generator (fixed
        // alphabet subset, modulo folding onto a few symbols) lands far outside ±15 %.
        var counts = new Dictionary<char, int>();
        for (var i = 0; i < Draws; i++)
        {
            foreach (var c in ConsumerCredentialGenerator.GenerateConsumerKey())
            {
                counts[c] = counts.GetValueOrDefault(c) + 1;
            }
        }

        Assert.Equal(63, counts.Count);
        var expected = Draws * 28.0 / 63;
        Assert.All(counts, pair => Assert.InRange(pair.Value, expected * 0.85, expected * 1.15));
    }

    [Theory]
    [InlineData("NtBQkXoKElu0H1a1fQ0DWfo6IX4a", true)]
    [InlineData("NtBQkXoKElu0H1a1fQ0DWfo6IX4", false)]
    [InlineData("NtBQkXoKElu0H1a1fQ0DWfo6IX4aa", false)]
    [InlineData("NtBQkXoKElu0H1a1fQ0DWfo6IX-a", false)]
    [InlineData("NtBQkXoKElu0H1a1fQ0DWfo6IX a", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsWellFormedConsumerKey(string? key, bool expected) =>
        Assert.Equal(expected, ConsumerCredentialGenerator.IsWellFormedConsumerKey(key));

    [Theory]
    [InlineData("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNO-_", true)]
    [InlineData("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNO-", false)]
    [InlineData("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNO+/", false)]
    [InlineData("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNO-_=", false)]
    [InlineData(null, false)]
    public void IsWellFormedConsumerSecret(string? secret, bool expected) =>
        Assert.Equal(expected, ConsumerCredentialGenerator.IsWellFormedConsumerSecret(secret));
}
