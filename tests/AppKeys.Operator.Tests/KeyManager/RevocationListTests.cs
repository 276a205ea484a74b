using System.Text;
using AppKeys.Operator.KeyManager;

namespace AppKeys.Operator.Tests.KeyManager;

public sealed class RevocationListTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Adding_prunes_expired_entries_and_keeps_live_and_never_expiring_ones()
    {
        var list = RevocationList.Empty
            .With("expires-soon", Now.AddSeconds(10), Now)
            .With("forever", null, Now)
            .With("later", Now.AddHours(1), Now);
        var parsed = RevocationList.Parse(list.Serialize());
        Assert.Equal(3, parsed.Count);

        var pruned = parsed.With("new", Now.AddHours(2), Now.AddSeconds(11));
        Assert.False(pruned.Contains("expires-soon"));
        Assert.True(pruned.Contains("forever"));
        Assert.True(pruned.Contains("later"));
        Assert.True(pruned.Contains("new"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    public void A_broken_list_reads_as_empty(string json) =>
        Assert.Equal(0, RevocationList.Parse(Encoding.UTF8.GetBytes(json)).Count);
}
