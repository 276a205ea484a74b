using AppKeys.LocalApiServer.Faults;

namespace AppKeys.Operator.Testing.Chaos;

/// <summary>The API server faults of the chaos runs (docs/reliability.md lists them), the same for the JIT and the native run.</summary>
public static class ChaosFaults
{
    /// <summary>Per-request faults on every kind of request: latency, conflicts, 429/500/503 on writes, 500 on reads, broken watches.</summary>
    public static void Inject(FaultInjector faults)
    {
        ArgumentNullException.ThrowIfNull(faults);
        string[] writes = ["create", "update", "patch", "delete"];
        string[] reads = ["get", "list"];
        faults.Add(new FaultRule { Kind = FaultKind.Latency, Probability = 0.05, Latency = TimeSpan.FromMilliseconds(50) });
        faults.Add(new FaultRule { Kind = FaultKind.Latency, Probability = 0.005, Latency = TimeSpan.FromMilliseconds(700) });
        faults.Add(new FaultRule { Kind = FaultKind.Conflict, Probability = 0.05 });
        faults.Add(new FaultRule { Kind = FaultKind.TooManyRequests, Probability = 0.02, Verbs = writes, RetryAfterSeconds = 1 });
        faults.Add(new FaultRule { Kind = FaultKind.InternalError, Probability = 0.03, Verbs = writes });
        faults.Add(new FaultRule { Kind = FaultKind.ServiceUnavailable, Probability = 0.03, Verbs = writes });
        faults.Add(new FaultRule { Kind = FaultKind.InternalError, Probability = 0.01, Verbs = reads });
        faults.Add(new FaultRule { Kind = FaultKind.WatchExpired, Probability = 0.15 });
        faults.Add(new FaultRule { Kind = FaultKind.WatchDrop, Probability = 0.15, AfterEvents = 20 });
        faults.Add(new FaultRule { Kind = FaultKind.WatchDrop, Probability = 0.1, AfterEvents = 5, Abrupt = true });
        faults.Add(new FaultRule { Kind = FaultKind.WatchTimeout, Probability = 0.15, WatchTimeout = TimeSpan.FromSeconds(3) });
    }

    /// <summary>Besides the per-request watch faults: every few seconds all watches are cut, or the watch history compacted.</summary>
    public static async Task BreakWatchesAsync(FaultInjector faults, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(faults);
        for (var round = 0; !cancellationToken.IsCancellationRequested; round++)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(4), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (round % 2 == 0)
            {
                faults.CloseWatches(abrupt: round % 4 == 0);
            }
            else
            {
                faults.ExpireWatchWindow();
            }
        }
    }
}
