using System.Globalization;
using AppKeys.LocalApiServer;
using Microsoft.Extensions.Logging;

// appkeys-apiserver: runs the local Kubernetes API server in the foreground.
//   --port N        listen on 127.0.0.1:N (default 0 = pick a free port)
//   --data-dir DIR  keep the store, CA, tokens and port in DIR: a restart on DIR loses nothing (see docs/local-apiserver.md)
//   --fsync         with --data-dir: fsync the journal after every write (default: after snapshots and at exit)
//   --http          serve plain HTTP instead of HTTPS
//   --instant-cleanup  garbage collection and namespace cleanup right after the write (default: delays of the order
//                   of a real kube-controller-manager's, LocalApiServerOptions.WithControllerManagerDelays)
// Writes the kubeconfig to $KUBECONFIG_OUT or .local/kubeconfig and prints its path on one line once ready.

var port = 0;
string? dataDir = null;
var https = true;
var fsync = false;
var realisticDelays = true;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--port" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is >= 0 and <= 65535:
            port = p;
            i++;
            break;
        case "--data-dir" when i + 1 < args.Length && args[i + 1].Length > 0:
            dataDir = args[++i];
            break;
        case "--fsync":
            fsync = true;
            break;
        case "--http":
            https = false;
            break;
        case "--instant-cleanup":
            realisticDelays = false;
            break;
        case "--help" or "-h":
            Console.WriteLine("usage: appkeys-apiserver [--port N] [--data-dir DIR [--fsync]] [--http] [--instant-cleanup]");
            return 0;
        default:
            Console.Error.WriteLine($"appkeys-apiserver: unknown or incomplete argument '{args[i]}' (see --help)");
            return 2;
    }
}

// Logs go to stderr: stdout carries only the kubeconfig path.
using var loggerFactory = LoggerFactory.Create(b => b
    .AddSimpleConsole(o => o.SingleLine = true)
    .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
    .SetMinimumLevel(LogLevel.Warning)
    .AddFilter("AppKeys", LogLevel.Information));
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
    System.Runtime.InteropServices.PosixSignal.SIGTERM, ctx =>
    {
        ctx.Cancel = true;
        stop.Cancel();
    });

LocalKubernetesApiServer server;
try
{
    var options = new LocalApiServerOptions
    {
        Port = port,
        DataDirectory = dataDir,
        SyncEveryWrite = fsync,
        UseHttps = https,
        LoggerFactory = loggerFactory,
    };
    server = await LocalKubernetesApiServer.StartAsync(realisticDelays ? options.WithControllerManagerDelays() : options);
}
catch (Exception ex) when (ex is DataDirectoryCorruptException or IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"appkeys-apiserver: {ex.Message}");
    return 1;
}
await using var running = server;
var target = Environment.GetEnvironmentVariable("KUBECONFIG_OUT") is { Length: > 0 } env ? env : Path.Combine(".local", "kubeconfig");
var written = server.WriteKubeconfig(target);
Console.Out.WriteLine(written);
Console.Out.Flush();
try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
}
return 0;
