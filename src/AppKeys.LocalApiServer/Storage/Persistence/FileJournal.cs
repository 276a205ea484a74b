using System.Globalization;
using AppKeys.LocalApiServer.Errors;
using Microsoft.Extensions.Logging;

namespace AppKeys.LocalApiServer.Storage.Persistence;

/// <summary>
/// <c>journal.jsonl</c>: an append-only log of committed changes since the snapshot, one checksummed
/// <see cref="JournalEntry"/> line per change, written (and optionally fsynced) before the change becomes visible.
/// Every <c>compactAfter</c> entries the store is snapshotted and the journal starts empty again.
/// </summary>
internal sealed class FileJournal : IStoreJournal, IDisposable
{
    public const string FileName = "journal.jsonl";

    private readonly string directory;
    private readonly bool syncEveryWrite;
    private readonly int compactAfter;
    private readonly ILogger logger;
    private readonly FileStream stream;
    private int entries;
    private int nextCompaction;
    private bool closed;
    private bool broken;

    public FileJournal(string directory, bool syncEveryWrite, int compactAfter, ILogger logger)
    {
        this.directory = directory;
        this.syncEveryWrite = syncEveryWrite;
        this.compactAfter = Math.Max(1, compactAfter);
        nextCompaction = this.compactAfter;
        this.logger = logger;
        stream = DataDirectoryFiles.Open(Path.Combine(directory, FileName), FileMode.OpenOrCreate, FileAccess.Write);
        stream.Seek(0, SeekOrigin.End);
    }

    /// <summary>Entries appended since the last compaction.</summary>
    public int Entries => entries;

    /// <summary>Compactions done since start (snapshots written).</summary>
    public int Compactions { get; private set; }

    public void Append(JournalEntry entry)
    {
        if (closed)
        {
            // The server is stopping: refusing keeps memory and disk in step (the client sees a 500, not a lost write).
            throw StatusErrors.Internal("the storage is closed because the server is shutting down");
        }
        if (broken)
        {
            throw StatusErrors.Internal("the storage journal failed earlier; restart the server");
        }
        var line = ChecksummedLine.Encode(entry.WriteJson);
        var length = stream.Length;
        try
        {
            stream.Write(line);
            stream.Flush(flushToDisk: syncEveryWrite);
        }
        catch (IOException ex)
        {
            // Never leave a partial line in the middle of the journal: cut it off, or stop accepting writes.
            try
            {
                stream.SetLength(length);
                stream.Seek(0, SeekOrigin.End);
            }
            catch (IOException)
            {
                broken = true;
            }
            logger.LogError(ex, "Appending to the storage journal failed");
            throw StatusErrors.Internal("persisting the change failed: " + ex.Message);
        }
        entries++;
    }

    public void AfterApply(ClusterStore store)
    {
        if (entries < nextCompaction)
        {
            return;
        }
        try
        {
            Compact(store);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The journal still holds every change; try again after another batch.
            nextCompaction = entries + compactAfter;
            logger.LogError(ex, "Compacting the storage journal failed; will retry after {Entries} more changes", compactAfter);
        }
    }

    /// <summary>Writes a snapshot of <paramref name="store"/> and empties the journal. Requires the store lock.</summary>
    public void Compact(ClusterStore store)
    {
        SnapshotFile.Write(Path.Combine(directory, SnapshotFile.FileName), store.Revision, store.AllObjects().ToList());
        // A crash between the rename and this truncation is harmless: replay skips entries the snapshot covers.
        stream.SetLength(0);
        stream.Seek(0, SeekOrigin.Begin);
        stream.Flush(flushToDisk: true);
        entries = 0;
        nextCompaction = compactAfter;
        Compactions++;
    }

    /// <summary>Flushes to disk and closes; later appends fail. Call under the store lock.</summary>
    public void Dispose()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        try
        {
            stream.Flush(flushToDisk: true);
        }
        finally
        {
            stream.Dispose();
        }
    }

    /// <summary>
    /// Reads a journal. A damaged or incomplete <em>last</em> line is a torn write (the process died mid-append):
    /// it is reported and discarded. Damage anywhere before a readable line, or resourceVersions that do not
    /// increase, is corruption: <see cref="DataDirectoryCorruptException"/>.
    /// </summary>
    public static JournalContents Read(string path)
    {
        if (!File.Exists(path))
        {
            return new JournalContents([], 0, 0, null);
        }
        var bytes = File.ReadAllBytes(path);
        var (lines, fragmentOffset, fragmentLength) = LineFile.Split(bytes);
        var entries = new List<JournalEntry>(lines.Count);
        long validLength = 0;
        long? tornAt = null;
        var why = "";
        for (var i = 0; i < lines.Count; i++)
        {
            var (offset, line) = lines[i];
            var entry = ChecksummedLine.Decode(line.Span) is { } json ? JournalEntry.FromJson(json) : null;
            if (entry is null)
            {
                if (i == lines.Count - 1 && fragmentLength == 0)
                {
                    tornAt = offset;
                    why = "damaged";
                    break;
                }
                throw new DataDirectoryCorruptException(path,
                    $"entry {i + 1} (byte {offset}) is damaged (checksum or content) and later entries follow it");
            }
            if (entries.Count > 0 && entry.Revision <= entries[^1].Revision)
            {
                throw new DataDirectoryCorruptException(path,
                    $"entry {i + 1} (byte {offset}) has resourceVersion {entry.Revision}, not above the previous {entries[^1].Revision}");
            }
            entries.Add(entry);
            validLength = offset + line.Length + 1;
        }
        if (tornAt is null && fragmentLength > 0)
        {
            tornAt = fragmentOffset;
            why = "incomplete";
        }
        if (tornAt is not { } at)
        {
            return new JournalContents(entries, validLength, 0, null);
        }
        var discarded = bytes.Length - at;
        return new JournalContents(entries, validLength, discarded,
            string.Create(CultureInfo.InvariantCulture, $"{path}: discarded a torn last entry ({why}, {discarded} bytes at byte {at})"));
    }
}
