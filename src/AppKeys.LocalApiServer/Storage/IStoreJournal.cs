namespace AppKeys.LocalApiServer.Storage;

/// <summary>
/// Where <see cref="ClusterStore"/> records committed changes. Both calls happen under the store lock:
/// <see cref="Append"/> before the change is applied (throwing refuses the change), <see cref="AfterApply"/> after.
/// </summary>
internal interface IStoreJournal
{
    void Append(JournalEntry entry);

    /// <summary>A chance to compact (snapshot the store and start an empty journal); never throws.</summary>
    void AfterApply(ClusterStore store);
}
