using System.Diagnostics;
using System.Globalization;

namespace AppKeys.Benchmarks;

/// <summary>
/// `cpu-time` mode: per-operation CPU time of the token issuance cases, measured as process CPU time over a
/// single-threaded loop. On a machine shared with other busy processes, BenchmarkDotNet's wall-clock figures mostly
/// measure the wait for a core; CPU time per operation still estimates the per-core rate. Cases run interleaved in
/// rounds and the median round is reported, so a change in the machine's load hits every case alike.
/// </summary>
internal static class CpuTimeProbe
{
    private const int Rounds = 5;

    public static void Run(TextWriter output, TimeSpan cpuBudgetPerCase)
    {
        var benchmarks = new TokenIssuanceBenchmarks();
        benchmarks.Setup();
        try
        {
            (string Name, Func<object> Operation)[] cases =
            [
                ("raw ECDSA P-256 SignData", benchmarks.RawEcdsaSign),
                ("ES256 JWT, JwtTokenIssuer", benchmarks.Es256Jwt),
                ("ES256 JWT, JwtSecurityTokenHandler", benchmarks.Es256JwtLegacyHandler),
                ("ES256 JWT, JsonWebTokenHandler", benchmarks.Es256JwtJsonWebTokenHandler),
                ("opaque, OpaqueTokenIssuer", benchmarks.Opaque),
                ("raw RSA-2048 SignData", benchmarks.RawRsaSign),
                ("RS256 JWT, JwtTokenIssuer", benchmarks.Rs256Jwt),
                ("RS256 JWT, JwtSecurityTokenHandler", benchmarks.Rs256JwtLegacyHandler),
            ];

            var cpuMicros = cases.Select(_ => new List<double>()).ToArray();
            var wallMicros = cases.Select(_ => new List<double>()).ToArray();
            var allocated = new long[cases.Length];
            foreach (var (_, operation) in cases)
            {
                for (var i = 0; i < 200; i++)
                {
                    operation();
                }
            }

            for (var round = 0; round < Rounds; round++)
            {
                for (var c = 0; c < cases.Length; c++)
                {
                    var (cpu, wall, bytes) = Measure(cases[c].Operation, cpuBudgetPerCase / Rounds);
                    cpuMicros[c].Add(cpu);
                    wallMicros[c].Add(wall);
                    allocated[c] = bytes;
                }
            }

            output.WriteLine($"| Case | CPU µs/op (median of {Rounds}) | ops per CPU-second | allocated B/op | wall µs/op (median) |");
            output.WriteLine("|---|---:|---:|---:|---:|");
            for (var c = 0; c < cases.Length; c++)
            {
                var cpu = Median(cpuMicros[c]);
                output.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"| {cases[c].Name} | {cpu:F1} | {1_000_000 / cpu:N0} | {allocated[c]:N0} | {Median(wallMicros[c]):F1} |"));
            }
        }
        finally
        {
            benchmarks.Cleanup();
        }
    }

    private static (double CpuMicros, double WallMicros, long AllocatedBytes) Measure(Func<object> operation, TimeSpan cpuBudget)
    {
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpuStart = process.TotalProcessorTime;
        var allocatedStart = GC.GetAllocatedBytesForCurrentThread();
        var wall = Stopwatch.StartNew();
        long operations = 0;
        TimeSpan cpu;
        do
        {
            for (var i = 0; i < 20; i++)
            {
                operation();
            }

            operations += 20;
            process.Refresh();
            cpu = process.TotalProcessorTime - cpuStart;
        }
        while (cpu < cpuBudget);

        wall.Stop();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedStart;
        return (cpu.TotalMicroseconds / operations, wall.Elapsed.TotalMicroseconds / operations, allocated / operations);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
