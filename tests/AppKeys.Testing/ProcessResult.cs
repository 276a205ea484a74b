namespace AppKeys.Testing;

/// <summary>Exit code and captured output of a finished child process.</summary>
public sealed record ProcessResult(string Command, int ExitCode, string StdOut, string StdErr)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>For <c>var (exit, stdout, stderr) = await ...</c>.</summary>
    public void Deconstruct(out int exitCode, out string stdOut, out string stdErr) => (exitCode, stdOut, stdErr) = (ExitCode, StdOut, StdErr);

    /// <summary>The command, its exit code and its output, for assertion messages.</summary>
    public override string ToString() => $"{Command}: exit {ExitCode}\nstdout:\n{Tail(StdOut)}\nstderr:\n{Tail(StdErr)}";

    /// <summary>Throws with the command and its output when it failed, so a test failure says why.</summary>
    public ProcessResult EnsureSuccess()
    {
        if (!Succeeded)
        {
            throw new InvalidOperationException(
                $"'{Command}' exited {ExitCode}\n--- stdout ---\n{Tail(StdOut)}\n--- stderr ---\n{Tail(StdErr)}");
        }

        return this;
    }

    private static string Tail(string text) => text.Length <= 6000 ? text : "..." + text[^6000..];
}
