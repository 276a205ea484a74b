namespace AppKeys.LocalApiServer;

/// <summary>What a start on an existing <see cref="LocalApiServerOptions.DataDirectory"/> read back.</summary>
public sealed record RecoveryReport
{
    /// <summary>Full path of the data directory.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>False when the directory held no store yet (first start).</summary>
    public bool FoundState { get; init; }

    /// <summary>The resourceVersion the snapshot was taken at (0 without a snapshot).</summary>
    public long SnapshotRevision { get; init; }

    public int SnapshotObjects { get; init; }

    /// <summary>Journal entries applied on top of the snapshot.</summary>
    public int JournalEntriesReplayed { get; init; }

    /// <summary>The store's resourceVersion after loading; new writes continue above it.</summary>
    public long Revision { get; init; }

    /// <summary>Objects in the store after loading (before the start seeds anything missing).</summary>
    public int Objects { get; init; }

    /// <summary>Bytes of a torn (incomplete or damaged) last journal entry that were discarded; 0 normally.</summary>
    public long DiscardedBytes { get; init; }

    /// <summary>Describes the discarded torn entry (file, offset, why), or null.</summary>
    public string? Discarded { get; init; }
}
