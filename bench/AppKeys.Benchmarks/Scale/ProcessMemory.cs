using System.Globalization;

namespace AppKeys.Benchmarks.Scale;

/// <summary>Resident set size from /proc (Linux) and the managed heap after a full collection.</summary>
internal static class ProcessMemory
{
    public const double MiB = 1024 * 1024;

    /// <summary>VmRSS of process <paramref name="pid"/> ("self" for this one) in bytes; -1 when /proc is unavailable.</summary>
    public static long ResidentBytes(string pid = "self")
    {
        var path = $"/proc/{pid}/status";
        if (!File.Exists(path))
        {
            return -1;
        }

        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kib = line["VmRSS:".Length..].Trim().Split(' ')[0];
                return long.Parse(kib, CultureInfo.InvariantCulture) * 1024;
            }
        }

        return -1;
    }

    /// <summary>Managed heap bytes after a full blocking, compacting collection.</summary>
    public static long HeapAfterFullCollection()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    public static string Describe(string pid = "self") => string.Create(
        CultureInfo.InvariantCulture,
        $"RSS {ResidentBytes(pid) / MiB:F1} MiB, managed heap {HeapAfterFullCollection() / MiB:F1} MiB");
}
