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
}
