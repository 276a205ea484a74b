using AppKeys.Operator.Apis;
using AppKeys.Runtime.Client;

namespace AppKeys.Operator.Testing.Chaos;

/// <summary>Polls the chaos run's ApplicationKeys (every call retried through faults) until they reach what the plan says.</summary>
public sealed class ChaosKeys(IResourceClient<V1Alpha1ApplicationKey> keys, TimeSpan settleTimeout)
{
    /// <summary>Ready for the current generation (the condition's and the status's observedGeneration).</summary>
    public static bool IsReady(V1Alpha1ApplicationKey key) =>
        key.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready") is { Status: "True" } ready
        && ready.ObservedGeneration == key.Metadata.Generation
        && key.Status.ObservedGeneration == key.Metadata.Generation;

    /// <summary>Every ApplicationKey, by <c>namespace/name</c>.</summary>
    public async Task<Dictionary<string, V1Alpha1ApplicationKey>> ListAsync()
    {
        var list = await Resilient.CallAsync(() => keys.ListAsync(null), "list ApplicationKeys");
        return list.Items.ToDictionary(k => $"{k.Metadata.NamespaceProperty}/{k.Metadata.Name}", StringComparer.Ordinal);
    }

    /// <summary>Polls until <paramref name="minimum"/> keys (default: all) satisfy <paramref name="done"/>.</summary>
    public async Task<Dictionary<string, V1Alpha1ApplicationKey>> WaitForAsync(
        IReadOnlyList<KeyPlan> plans,
        Func<KeyPlan, V1Alpha1ApplicationKey, bool> done,
        string what,
        int? minimum = null)
    {
        ArgumentNullException.ThrowIfNull(plans);
        ArgumentNullException.ThrowIfNull(done);
        var deadline = DateTime.UtcNow + settleTimeout;
        while (true)
        {
            var current = await ListAsync();
            var pending = plans.Where(p => !current.TryGetValue(p.ToString(), out var k) || !done(p, k)).ToList();
            if (plans.Count - pending.Count >= (minimum ?? plans.Count))
            {
                return current;
            }

            if (DateTime.UtcNow > deadline)
            {
                var sample = pending.Take(5).Select(p => current.TryGetValue(p.ToString(), out var k)
                    ? $"{p}: revision {k.Status?.Revision}, {string.Join("; ", (k.Status?.Conditions ?? []).Select(c => $"{c.Type}={c.Status} {c.Reason}: {c.Message}"))}"
                    : $"{p}: missing");
                throw new TimeoutException($"Timed out after {settleTimeout.TotalSeconds} s waiting for {what}: {pending.Count} keys pending, e.g. {string.Join(" | ", sample)}");
            }

            await Task.Delay(1000);
        }
    }

    /// <summary>Waits until every key is Ready with at least the expected revision, then requires exactly that revision.</summary>
    public async Task<Dictionary<string, V1Alpha1ApplicationKey>> SettleAsync(IReadOnlyList<KeyPlan> plans, Func<KeyPlan, long> expected, string what)
    {
        ArgumentNullException.ThrowIfNull(expected);
        var current = await WaitForAsync(plans, (p, k) => IsReady(k) && k.Status!.Revision >= expected(p), what);
        var wrong = plans.Where(p => current[p.ToString()].Status!.Revision != expected(p))
            .Select(p => $"{p} at revision {current[p.ToString()].Status!.Revision}, expected {expected(p)}")
            .ToList();
        return wrong.Count == 0
            ? current
            : throw new InvalidOperationException($"After {what}, {wrong.Count} keys were issued more tokens than asked for: {string.Join("; ", wrong.Take(10))}");
    }
}
