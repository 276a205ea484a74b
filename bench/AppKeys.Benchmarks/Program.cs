using AppKeys.Benchmarks;
using BenchmarkDotNet.Running;

// Every benchmark class in this assembly is selectable: `--filter '*TokenIssuance*'`, `--list flat`, `--job short`.
// (Anchored on a benchmark type: the top-level `Program` name clashes with the referenced operator's.)
BenchmarkSwitcher.FromAssembly(typeof(TokenIssuanceBenchmarks).Assembly).Run(args);
