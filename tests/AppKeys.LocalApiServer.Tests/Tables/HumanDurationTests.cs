using AppKeys.LocalApiServer.Tables;

namespace AppKeys.LocalApiServer.Tests.Tables;

public class HumanDurationTests
{
    // apimachinery pkg/util/duration/duration_test.go TestHumanDuration.
    [Theory]
    [InlineData(-3, "<invalid>")]
    [InlineData(-1, "0s")]
    [InlineData(0, "0s")]
    [InlineData(1, "1s")]
    [InlineData(5, "5s")]
    [InlineData(90, "90s")]
    [InlineData(119, "119s")]
    [InlineData(120, "2m")]
    [InlineData(150, "2m30s")]
    [InlineData(599, "9m59s")]
    [InlineData(600, "10m")]
    [InlineData(10799, "179m")]
    [InlineData(10800, "3h")]
    [InlineData(11040, "3h4m")]
    [InlineData(28799, "7h59m")]
    [InlineData(28800, "8h")]
    [InlineData(172799, "47h")]
    [InlineData(172800, "2d")]
    [InlineData(273600, "3d4h")]
    [InlineData(691199, "7d23h")]
    [InlineData(691200, "8d")]
    [InlineData(63071999, "729d")]
    [InlineData(63072000, "2y")]
    [InlineData(63936000, "2y10d")]
    [InlineData(252287999, "7y364d")]
    [InlineData(252288000, "8y")]
    [InlineData(315360000, "10y")]
    public void Formats_like_apimachinery(long seconds, string expected)
    {
        Assert.Equal(expected, HumanDuration.Format(TimeSpan.FromSeconds(seconds)));
    }

    [Fact]
    public void Truncates_fractions()
    {
        Assert.Equal("1s", HumanDuration.Format(TimeSpan.FromMilliseconds(1999)));
        Assert.Equal("0s", HumanDuration.Format(TimeSpan.FromMilliseconds(-1999)));
    }
}
