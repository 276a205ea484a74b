namespace AppKeys.LocalApiServer.Storage.Persistence;

/// <summary>The readable entries of a journal file, and what was discarded as a torn last entry.</summary>
internal sealed record JournalContents(List<JournalEntry> Entries, long ValidLength, long DiscardedBytes, string? Discarded);
