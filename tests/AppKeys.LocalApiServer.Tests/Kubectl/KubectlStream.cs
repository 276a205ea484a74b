using System.Diagnostics;
using System.Text;

namespace AppKeys.LocalApiServer.Tests.Kubectl;

/// <summary>A running kubectl whose stdout lines are collected as they arrive; disposing kills it.</summary>
public sealed class KubectlStream : IDisposable
{
    private readonly Process _process;
    private readonly string _command;
    private readonly List<string> _lines = [];
    private readonly StringBuilder _stderr = new();
    private readonly Task _pump;
    private readonly Task _errPump;

    internal KubectlStream(Process process, string command)
    {
        _process = process;
        _command = command;
        _process.StandardInput.Close();
        _pump = Task.Run(async () =>
        {
            while (await _process.StandardOutput.ReadLineAsync() is { } line)
            {
                lock (_lines)
                {
                    _lines.Add(line);
                }
            }
        });
        _errPump = Task.Run(async () =>
        {
            var text = await _process.StandardError.ReadToEndAsync();
            lock (_stderr)
            {
                _stderr.Append(text);
            }
        });
    }

    /// <summary>A snapshot of the stdout lines read so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
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
            if (_process.HasExited && _pump.IsCompleted)
            {
                break;
            }
            await Task.Delay(25);
        }
        Assert.Fail($"kubectl {_command}: no line for {what}\nstdout:\n{string.Join('\n', Lines)}\nstderr:\n{Stderr}");
        return "";
    }

    /// <summary>Waits for the process to end by itself and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(int seconds = 30)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"kubectl {_command} did not exit within {seconds}s\nstdout:\n{string.Join('\n', Lines)}\nstderr:\n{Stderr}");
        }
        await Task.WhenAll(_pump, _errPump);
        return _process.ExitCode;
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
    }
}
