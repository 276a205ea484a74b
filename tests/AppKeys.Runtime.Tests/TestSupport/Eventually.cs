namespace AppKeys.Runtime.Tests.TestSupport;

/// <summary>Polls a condition with a generous deadline (never a timed assertion).</summary>
internal static class Eventually
{
    public static Task TrueAsync(Func<bool> condition, string because, int seconds = 20) =>
        TrueAsync(() => Task.FromResult(condition()), because, seconds);

    public static async Task TrueAsync(Func<Task<bool>> condition, string because, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {seconds}s waiting until {because}");
            }

            await Task.Delay(10);
        }
    }
}
