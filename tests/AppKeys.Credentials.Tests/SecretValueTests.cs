namespace AppKeys.Credentials.Tests;

public class SecretValueTests
{
    private const string Value = "s3cr3t-value-that-must-not-leak";

    [Fact]
    public void ToString_is_redacted_everywhere_it_is_formatted()
    {
        var secret = new SecretValue(Value);
        Assert.Equal("***", secret.ToString());
        Assert.Equal("secret=***", $"secret={secret}");
        Assert.DoesNotContain(Value, string.Format(System.Globalization.CultureInfo.InvariantCulture, "{0}", secret), StringComparison.Ordinal);
    }

    [Fact]
    public void Records_holding_secrets_print_redacted()
    {
        var credentials = new ConsumerCredentials("key", new SecretValue(Value));
        var issued = new IssuedToken(new SecretValue(Value), AccessTokenType.Opaque, "sha256:0011223344556677", DateTimeOffset.UnixEpoch, null, null);
        Assert.DoesNotContain(Value, credentials.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Value, issued.ToString(), StringComparison.Ordinal);
        Assert.Contains("***", issued.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Reveal_returns_the_value()
    {
        var secret = new SecretValue(Value);
        Assert.Equal(Value, secret.Reveal());
        Assert.Equal(Value.Length, secret.Length);
    }

    [Fact]
    public void Empty_values_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new SecretValue(string.Empty));
        Assert.Throws<ArgumentNullException>(() => new SecretValue(null!));
    }

    [Fact]
    public void FixedTimeEquals_compares_values()
    {
        Assert.True(new SecretValue(Value).FixedTimeEquals(new SecretValue(Value)));
        Assert.False(new SecretValue(Value).FixedTimeEquals(new SecretValue(Value + "x")));
    }

    [Fact]
    public void Fingerprint_matches_TokenFingerprint()
    {
        Assert.Equal(TokenFingerprint.Compute(Value), new SecretValue(Value).Fingerprint());
    }
}
