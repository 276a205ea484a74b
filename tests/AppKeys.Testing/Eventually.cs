using System.Text.Json;

namespace AppKeys.Testing;

/// <summary>
/// Waits for asynchronous outcomes with a generous deadline and a failure message that says what never happened and
/// what was last seen — never a timed assertion. A probe may throw <see cref="InvalidOperationException"/> to say
/// "not yet, because ..."; the last such reason is part of the timeout message.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    public static async Task<T> GetAsync<T>(Func<Task<T?>> probe, Func<T?, bool> done, string what, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(done);
        var limit = timeout ?? DefaultTimeout;
        var deadline = DateTime.UtcNow + limit;
        T? last = default;
        string? notYet = null;
        while (true)
        {
            try
            {
                last = await probe();
                if (done(last))
                {
                    return last!;
                }
            }
            catch (InvalidOperationException e)
            {
                notYet = e.Message;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {limit.TotalSeconds} s waiting for: {what}. Last observed: {Describe(last)}" + (notYet is null ? string.Empty : $"; last reason: {notYet}"));
            }

            await Task.Delay(100);
        }
    }

    public static Task<T> GetAsync<T>(Func<Task<T?>> probe, string what, TimeSpan? timeout = null)
        where T : class =>
        GetAsync(probe, v => v is not null, what, timeout);

    public static Task TrueAsync(Func<bool> condition, string because, int seconds = 20) =>
        TrueAsync(() => Task.FromResult(condition()), because, seconds);

    public static Task TrueAsync(Func<Task<bool>> condition, string because, int seconds = 20) =>
        GetAsync(async () => await condition() ? "yes" : null, because, TimeSpan.FromSeconds(seconds));

    /// <summary>
    /// Only an object's <c>status</c> (and name) is described: never its data, so a Secret's values cannot reach
    /// test output through a timeout message.
    /// </summary>
    private static string Describe(object? value)
    {
        if (value is null)
        {
            return "nothing";
        }

        var type = value.GetType();
        var status = type.GetProperty("Status")?.GetValue(value);
        var name = type.GetProperty("Metadata")?.GetValue(value) is { } metadata ? metadata.GetType().GetProperty("Name")?.GetValue(metadata) : null;
        return status is null
            ? $"{type.Name} {name}"
            : $"{type.Name} {name}: {JsonSerializer.Serialize(status)}";
    }
}
