using AppKeys.LocalApiServer.Objects;
using Microsoft.Extensions.Logging;

namespace AppKeys.LocalApiServer.Storage.Persistence;

/// <summary>
/// Opens the store of a data directory: snapshot plus journal replay, the resourceVersion counter continued,
/// a torn last journal entry discarded and reported, then compacted into a fresh snapshot and an empty journal.
/// </summary>
internal sealed class PersistentStore : IDisposable
{
    private readonly DataDirectoryLock directoryLock;

    private PersistentStore(ClusterStore store, FileJournal journal, DataDirectoryLock dirLock, RecoveryReport report)
    {
        Store = store;
        Journal = journal;
        directoryLock = dirLock;
        Report = report;
    }

    public ClusterStore Store { get; }

    public FileJournal Journal { get; }

    public RecoveryReport Report { get; }

    public static PersistentStore Open(string directory, LocalApiServerOptions options, ILogger logger)
    {
        var dir = DataDirectoryFiles.EnsureDirectory(directory);
        var dirLock = DataDirectoryLock.Acquire(dir);
        try
        {
            var snapshotPath = Path.Combine(dir, SnapshotFile.FileName);
            var journalPath = Path.Combine(dir, FileJournal.FileName);
            var snapshot = SnapshotFile.Read(snapshotPath);
            var journal = FileJournal.Read(journalPath);
            var snapshotRevision = snapshot?.Revision ?? 0;
            var replay = journal.Entries.Where(e => e.Revision > snapshotRevision).ToList();
            var revision = replay.Count > 0 ? replay[^1].Revision : snapshotRevision;

            var store = new ClusterStore(options.EventWindow, revision);
            lock (store.Gate)
            {
                foreach (var (storage, obj) in snapshot?.Objects ?? [])
                {
                    if (long.TryParse(ObjectMeta.ResourceVersion(obj), out var rv) && rv > snapshotRevision)
                    {
                        throw new DataDirectoryCorruptException(snapshotPath,
                            $"object {storage} {ClusterStore.Key(ObjectMeta.Namespace(obj), ObjectMeta.Name(obj))} has resourceVersion {rv} above the snapshot's {snapshotRevision}");
                    }
                    store.Load(storage, obj);
                }
                foreach (var e in replay)
                {
                    if (e.Object is not null)
                    {
                        store.Load(e.Storage, e.Object);
                    }
                    else
                    {
                        store.Unload(e.Storage, e.Key);
                    }
                }
                // The watch history is gone, as in a restarted kube-apiserver's empty watch cache: watching from an
                // older resourceVersion is 410 Expired (clients re-list); from the current one it resumes.
                store.SetFloor(revision);
            }
            var report = new RecoveryReport
            {
                DataDirectory = dir,
                FoundState = snapshot is not null || journal.Entries.Count > 0 || journal.DiscardedBytes > 0,
                SnapshotRevision = snapshotRevision,
                SnapshotObjects = snapshot?.Objects.Count ?? 0,
                JournalEntriesReplayed = replay.Count,
                Revision = revision,
                Objects = CountObjects(store),
                DiscardedBytes = journal.DiscardedBytes,
                Discarded = journal.Discarded,
            };
            if (report.Discarded is not null)
            {
                logger.LogWarning("Data directory recovery: {Discarded}", report.Discarded);
            }

            var fileJournal = new FileJournal(dir, options.SyncEveryWrite, options.JournalCompactionEntries, logger);
            try
            {
                lock (store.Gate)
                {
                    if (journal.Entries.Count > 0 || journal.DiscardedBytes > 0 || snapshot is null)
                    {
                        // Start from a clean snapshot and an empty journal (this also drops a torn tail).
                        fileJournal.Compact(store);
                    }
                    store.Journal = fileJournal;
                }
            }
            catch
            {
                fileJournal.Dispose();
                throw;
            }
            return new PersistentStore(store, fileJournal, dirLock, report);
        }
        catch
        {
            dirLock.Dispose();
            throw;
        }
    }

    private static int CountObjects(ClusterStore store)
    {
        lock (store.Gate)
        {
            return store.AllObjects().Count();
        }
    }

    /// <summary>Flushes and closes the journal (later writes fail), then releases the directory.</summary>
    public void Dispose()
    {
        lock (Store.Gate)
        {
            Journal.Dispose();
        }
        directoryLock.Dispose();
    }
}
