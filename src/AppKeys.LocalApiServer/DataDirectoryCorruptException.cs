namespace AppKeys.LocalApiServer;

/// <summary>
/// A file of <see cref="LocalApiServerOptions.DataDirectory"/> cannot be read back (checksum mismatch, bad JSON,
/// out-of-order resourceVersions, an unknown format). The server refuses to start rather than silently drop data.
/// Messages name the file and line, never object content.
/// </summary>
public sealed class DataDirectoryCorruptException : Exception
{
    public DataDirectoryCorruptException()
    {
    }

    public DataDirectoryCorruptException(string message)
        : base(message)
    {
    }

    public DataDirectoryCorruptException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DataDirectoryCorruptException(string filePath, string problem)
        : base($"{filePath}: {problem}. Refusing to start rather than lose data: restore the file from a backup, "
            + "or move it away knowing that the changes it holds are lost.")
    {
        FilePath = filePath;
    }

    /// <summary>The file that could not be read.</summary>
    public string? FilePath { get; }
}
