using System.Runtime.InteropServices;

namespace AppKeys.LocalApiServer.Storage.Persistence;

/// <summary>
/// File handling of the data directory: owner-only permissions (the store holds Secrets, keys and tokens),
/// atomic replacement (write a temporary file, fsync, rename, fsync the directory).
/// </summary>
internal static partial class DataDirectoryFiles
{
    private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates the directory (owner-only when new) and returns its full path.</summary>
    public static string EnsureDirectory(string path)
    {
        var full = Path.GetFullPath(path);
        if (!Directory.Exists(full))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(full);
            }
            else
            {
                Directory.CreateDirectory(full, PrivateDirectory);
            }
        }
        return full;
    }

    /// <summary>Opens a file created owner-only (0600) and makes an existing one owner-only too.</summary>
    public static FileStream Open(string path, FileMode mode, FileAccess access, FileShare share = FileShare.Read)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Share = share, BufferSize = 0 };
        if (!OperatingSystem.IsWindows() && mode != FileMode.Open)
        {
            options.UnixCreateMode = PrivateFile;
        }
        var stream = new FileStream(path, options);
        if (!OperatingSystem.IsWindows() && access != FileAccess.Read)
        {
            File.SetUnixFileMode(stream.SafeFileHandle, PrivateFile);
        }
        return stream;
    }

    /// <summary>Replaces <paramref name="path"/> atomically: readers see the old or the new content, never a mix.</summary>
    public static void WriteAtomically(string path, Action<Stream> write)
    {
        var temp = path + ".tmp";
        using (var stream = Open(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            using var buffered = new BufferedStream(stream, 1 << 16);
            write(buffered);
            buffered.Flush();
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
        SyncDirectory(Path.GetDirectoryName(path)!);
    }

    public static void WriteAtomically(string path, string text) =>
        WriteAtomically(path, s => s.Write(new System.Text.UTF8Encoding(false).GetBytes(text)));

    /// <summary>Makes a rename in <paramref name="directory"/> durable (fsync of the directory; no-op on Windows).</summary>
    public static void SyncDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        var fd = NativeOpen(directory, 0 /* O_RDONLY */);
        if (fd < 0)
        {
            throw new IOException($"cannot open directory {directory} to sync it (errno {Marshal.GetLastPInvokeError()})");
        }
        try
        {
            if (NativeFsync(fd) != 0)
            {
                throw new IOException($"fsync of directory {directory} failed (errno {Marshal.GetLastPInvokeError()})");
            }
        }
        finally
        {
            _ = NativeClose(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int NativeOpen(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int NativeFsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int NativeClose(int fd);
}
