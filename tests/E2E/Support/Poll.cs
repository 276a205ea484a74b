namespace AppKeys.E2E.Tests.Support;

/// <summary>Waits for asynchronous behaviour with a generous deadline and a message that says what never happened.</summary>
internal static class Poll
{
    public static async Task<T> UntilAsync<T>(string what, Func<Task<T?>> probe, TimeSpan? timeout = null)
        where T : class
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        string? lastError = null;
        while (true)
        {
            try
            {
                var value = await probe();
                if (value is not null)
                {
                    return value;
                }
            }
            catch (InvalidOperationException e)
            {
                lastError = e.Message;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout ?? TimeSpan.FromSeconds(60)} waiting for {what}" + (lastError is null ? string.Empty : $"; last error: {lastError}"));
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }
}
