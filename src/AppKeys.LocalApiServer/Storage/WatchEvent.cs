using System.Text.Json.Nodes;

namespace AppKeys.LocalApiServer.Storage;

/// <summary>
/// One change of one object. <see cref="Object"/> is the new state (for DELETED: the last state carrying the
/// deletion's resourceVersion); <see cref="Previous"/> the state before (null for ADDED). Both are immutable.
/// BOOKMARK events carry no object and only a resourceVersion.
/// </summary>
public sealed record WatchEvent(string Type, long ResourceVersion, JsonObject? Object, JsonObject? Previous)
{
    public const string Added = "ADDED";
    public const string Modified = "MODIFIED";
    public const string Deleted = "DELETED";
    public const string Bookmark = "BOOKMARK";
    public const string Error = "ERROR";
}
