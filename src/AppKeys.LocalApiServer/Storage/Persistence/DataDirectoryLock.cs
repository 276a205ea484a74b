namespace AppKeys.LocalApiServer.Storage.Persistence;

/// <summary>
/// An exclusive lock on a data directory (the <c>lock</c> file held open without sharing; an advisory
/// <c>flock</c> on Unix), so two servers never append to one journal. Released on dispose or process exit.
/// </summary>
internal sealed class DataDirectoryLock : IDisposable
{
    public const string FileName = "lock";

    private readonly FileStream file;

    private DataDirectoryLock(FileStream file) => this.file = file;

    public static DataDirectoryLock Acquire(string directory)
    {
        try
        {
            return new DataDirectoryLock(DataDirectoryFiles.Open(Path.Combine(directory, FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException ex)
        {
            throw new IOException($"the data directory {directory} is in use by another local API server", ex);
        }
    }

    public void Dispose() => file.Dispose();
}
