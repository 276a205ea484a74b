namespace AppKeys.Operator.Tests.TestSupport;

/// <summary>Polls asynchronous outcomes with a generous deadline and a clear failure message.</summary>
internal static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    public static async Task<T> GetAsync<T>(Func<Task<T?>> probe, Func<T?, bool> done, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        T? last = default;
        while (true)
        {
            last = await probe();
            if (done(last))
            {
                return last!;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {(timeout ?? DefaultTimeout).TotalSeconds} s waiting for: {what}. Last observed: {Describe(last)}");
            }

            await Task.Delay(100);
        }
    }

    public static Task<T> GetAsync<T>(Func<Task<T?>> probe, string what, TimeSpan? timeout = null)
        where T : class =>
        GetAsync(probe, v => v is not null, what, timeout);

    private static string Describe(object? value) => value switch
    {
        null => "nothing",
        AppKeys.Operator.Apis.V1Alpha1ApplicationKey key => $"ApplicationKey {key.Metadata.Name}: {string.Join("; ", (key.Status?.Conditions ?? []).Select(c => $"{c.Type}={c.Status} {c.Reason}: {c.Message}"))}, revision {key.Status?.Revision}",
        AppKeys.Operator.Apis.V1Alpha1Application app => $"Application {app.Metadata.Name}: {string.Join("; ", (app.Status?.Conditions ?? []).Select(c => $"{c.Type}={c.Status} {c.Reason}: {c.Message}"))}",
        _ => value.GetType().Name,
    };
}
