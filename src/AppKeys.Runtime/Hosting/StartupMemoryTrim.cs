using System.Runtime;
using AppKeys.Runtime.Informers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AppKeys.Runtime.Hosting;

/// <summary>When and whether <see cref="StartupMemoryTrim"/> runs.</summary>
public sealed class StartupMemoryTrimOptions
{
    /// <summary>The window allocations are measured over. Default 2 s.</summary>
    public TimeSpan QuietPeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>At most this many bytes allocated in one <see cref="QuietPeriod"/> counts as quiet. Default 1 MiB.</summary>
    public long QuietBytes { get; set; } = 1024 * 1024;

    /// <summary>Trim after this long past the caches' sync even if the process never went quiet. Default 5 minutes.</summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// Gives the start-up's garbage back to the operating system, once. Start-up (the caches' initial lists, the first
/// reconcile of every object) allocates far more than the process keeps: the managed heap of an idle operator holds
/// about 2 MB, but the GC keeps the regions that start-up dirtied committed, and they stay resident. After every
/// informer has synced, the first time the process allocates at most <see cref="StartupMemoryTrimOptions.QuietBytes"/>
/// in a <see cref="StartupMemoryTrimOptions.QuietPeriod"/> (or after <see cref="StartupMemoryTrimOptions.MaxWait"/>),
/// this runs one blocking, compacting collection in <see cref="GCCollectionMode.Aggressive"/> mode, which also
/// decommits the free regions; then never again (steady state is the GC's own business). Measured in
/// docs/benchmarks.md (session 7). Registered by <see cref="ServiceCollectionExtensions.AddStartupMemoryTrim"/> in the
/// shipped executable only: a process that hosts other work (tests, the dev tool) must not get full collections it did
/// not ask for.
/// </summary>
public sealed partial class StartupMemoryTrim : BackgroundService
{
    private readonly IEnumerable<IInformer> informers;
    private readonly TimeProvider time;
    private readonly StartupMemoryTrimOptions options;
    private readonly ILogger? logger;
    private readonly Func<long> allocatedBytes;
    private readonly Action collect;

    /// <summary>Creates the service; <paramref name="allocatedBytes"/> and <paramref name="collect"/> replace the GC's for tests.</summary>
    public StartupMemoryTrim(
        IEnumerable<IInformer> informers,
        TimeProvider time,
        StartupMemoryTrimOptions options,
        ILogger<StartupMemoryTrim>? logger = null,
        Func<long>? allocatedBytes = null,
        Action? collect = null)
    {
        ArgumentNullException.ThrowIfNull(informers);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(options);
        this.informers = informers;
        this.time = time;
        this.options = options;
        this.logger = logger;
        this.allocatedBytes = allocatedBytes ?? (() => GC.GetTotalAllocatedBytes());
        this.collect = collect ?? Collect;
    }

    /// <summary>Completes once the trim has run; for tests and diagnostics.</summary>
    public Task Trimmed => trimmed.Task;

    private readonly TaskCompletionSource trimmed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.WhenAll(informers.Select(i => i.WaitForSyncAsync(stoppingToken)));
            var deadline = time.GetUtcNow() + options.MaxWait;
            var before = allocatedBytes();
            while (true)
            {
                await Task.Delay(options.QuietPeriod, time, stoppingToken);
                var now = allocatedBytes();
                if (now - before <= options.QuietBytes || time.GetUtcNow() >= deadline)
                {
                    break;
                }

                before = now;
            }

            collect();
            trimmed.TrySetResult();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            trimmed.TrySetCanceled(stoppingToken);
        }
    }

    private void Collect()
    {
        var committed = GC.GetGCMemoryInfo().TotalCommittedBytes;
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        if (logger is not null)
        {
            LogTrimmed(logger, committed, GC.GetGCMemoryInfo().TotalCommittedBytes);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Start-up garbage returned to the operating system: GC committed {Before} -> {After} bytes")]
    private static partial void LogTrimmed(ILogger logger, long before, long after);
}
