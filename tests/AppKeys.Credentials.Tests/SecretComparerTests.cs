namespace AppKeys.Credentials.Tests;

public class SecretComparerTests
{
    [Theory]
    [InlineData("abc", "abc", true)]
    [InlineData("abc", "abd", false)]
    [InlineData("abc", "abcd", false)]
    [InlineData("", "", true)]
    [InlineData("", "a", false)]
    [InlineData("é", "é", true)]
    [InlineData("e\u0301", "é", false)]
    public void FixedTimeEquals(string a, string b, bool expected)
    {
        Assert.Equal(expected, SecretComparer.FixedTimeEquals(a, b));
        Assert.Equal(expected, SecretComparer.FixedTimeEquals(b, a));
    }

    [Fact]
    public void Nulls_are_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => SecretComparer.FixedTimeEquals(null!, "a"));
        Assert.Throws<ArgumentNullException>(() => SecretComparer.FixedTimeEquals("a", null!));
    }

    [Fact]
    public void Values_differing_anywhere_or_by_length_are_unequal()
    {
        var secret = ConsumerCredentialGenerator.GenerateConsumerSecret().Reveal();

        Assert.True(SecretComparer.FixedTimeEquals(secret, new string(secret.AsSpan())));
        Assert.False(SecretComparer.FixedTimeEquals(secret, Flip(secret, 0)));
        Assert.False(SecretComparer.FixedTimeEquals(secret, Flip(secret, secret.Length / 2)));
        Assert.False(SecretComparer.FixedTimeEquals(secret, Flip(secret, secret.Length - 1)));
        Assert.False(SecretComparer.FixedTimeEquals(secret, secret[..^1]));
        Assert.False(SecretComparer.FixedTimeEquals(secret, secret + "A"));
        Assert.False(SecretComparer.FixedTimeEquals(secret, ""));
    }

    [Fact]
    public void Secret_values_compare_by_content()
    {
        var token = OpaqueTokenGenerator.Generate();
        var same = new SecretValue(token.Reveal());
        var other = OpaqueTokenGenerator.Generate();

        Assert.True(SecretComparer.FixedTimeEquals(token, same));
        Assert.True(token.FixedTimeEquals(same));
        Assert.False(SecretComparer.FixedTimeEquals(token, other));
        Assert.False(token.FixedTimeEquals(other));
        Assert.Throws<ArgumentNullException>(() => SecretComparer.FixedTimeEquals(token, null!));
        Assert.Throws<ArgumentNullException>(() => SecretComparer.FixedTimeEquals(null!, token));
        Assert.Throws<ArgumentNullException>(() => token.FixedTimeEquals(null!));
    }

    private static string Flip(string value, int index) =>
        string.Create(value.Length, (value, index), (span, state) =>
        {
            state.value.AsSpan().CopyTo(span);
            span[state.index] = span[state.index] == 'A' ? 'B' : 'A';
        });
}
