using System.Globalization;

namespace AppKeys.Benchmarks.Scale;

/// <summary>Resident set size from /proc (Linux) and the managed heap after a full collection.</summary>
internal static class ProcessMemory
{
    public const double MiB = 1024 * 1024;

    /// <summary>VmRSS of process <paramref name="pid"/> ("self" for this one) in bytes; -1 when /proc is unavailable.</summary>
    public static long ResidentBytes(string pid = "self") => StatusBytes(pid, "VmRSS");

    /// <summary>
    /// A size field of /proc/&lt;pid&gt;/status in bytes (VmRSS, RssAnon: heaps and JIT'd code, RssFile: mapped files such
    /// as the runtime's and the assemblies' images); -1 when unavailable.
    /// </summary>
    public static long StatusBytes(string pid, string field)
    {
        var path = $"/proc/{pid}/status";
        if (!File.Exists(path))
        {
            return -1;
        }

        var prefix = field + ":";
        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                var kib = line[prefix.Length..].Trim().Split(' ')[0];
                return long.Parse(kib, CultureInfo.InvariantCulture) * 1024;
            }
        }

        return -1;
    }

    /// <summary>RSS of another process with its anonymous and file-backed parts.</summary>
    public static string DescribeResident(string pid) => string.Create(
        CultureInfo.InvariantCulture,
        $"RSS {StatusBytes(pid, "VmRSS") / MiB:F1} MiB (anonymous {StatusBytes(pid, "RssAnon") / MiB:F1}, files {StatusBytes(pid, "RssFile") / MiB:F1}, shared memory {StatusBytes(pid, "RssShmem") / MiB:F1})");

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
