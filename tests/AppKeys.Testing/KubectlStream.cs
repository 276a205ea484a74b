using System.Diagnostics;
using System.Text;

namespace AppKeys.Testing;

/// <summary>A running kubectl whose stdout lines are collected as they arrive; disposing kills it.</summary>
public sealed class KubectlStream : IDisposable
{
    private readonly Process process;
    private readonly string command;
    private readonly List<string> lines = [];
    private readonly StringBuilder stderr = new();
    private readonly Task pump;
    private readonly Task errPump;

    internal KubectlStream(Process process, string command)
    {
        this.process = process;
        this.command = command;
        this.process.StandardInput.Close();
        pump = Task.Run(async () =>
        {
            while (await this.process.StandardOutput.ReadLineAsync() is { } line)
            {
                lock (lines)
                {
                    lines.Add(line);
                }
            }
        });
        errPump = Task.Run(async () =>
        {
            var text = await this.process.StandardError.ReadToEndAsync();
            lock (stderr)
            {
                stderr.Append(text);
            }
        });
    }

    /// <summary>A snapshot of the stdout lines read so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (lines)
            {
                return [.. lines];
            }
        }
    }

    /// <summary>Polls until a stdout line satisfies <paramref name="match"/>; fails with the output seen after a generous deadline.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, string what, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if (Lines.FirstOrDefault(match) is { } line)
            {
                return line;
            }
            if (process.HasExited && pump.IsCompleted)
            {
                break;
            }
            await Task.Delay(25);
        }
        throw new TimeoutException($"kubectl {command}: no line for {what}\nstdout:\n{string.Join('\n', Lines)}\nstderr:\n{StdErr}");
    }

    /// <summary>Waits for the process to end by itself and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(int seconds = 30)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"kubectl {command} did not exit within {seconds}s\nstdout:\n{string.Join('\n', Lines)}\nstderr:\n{StdErr}");
        }
        await Task.WhenAll(pump, errPump);
        return process.ExitCode;
    }

    public string StdErr
    {
        get
        {
            lock (stderr)
            {
                return stderr.ToString();
            }
        }
    }

    public void Dispose()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        process.Dispose();
    }
}
