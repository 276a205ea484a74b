using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Objects;

namespace AppKeys.LocalApiServer.Storage.Persistence;

/// <summary>
/// <c>snapshot.jsonl</c>: the whole store at one resourceVersion. A header line
/// <c>{"format":"appkeys-local-apiserver/snapshot/v1","revision":R,"objects":N}</c>, then one
/// <c>{"storage":"g/plural","object":{...}}</c> line per object, every line checksummed. Always replaced atomically,
/// so any damage is corruption (never a torn write).
/// </summary>
internal static class SnapshotFile
{
    public const string FileName = "snapshot.jsonl";
    public const string Format = "appkeys-local-apiserver/snapshot/v1";

    public static void Write(string path, long revision, IReadOnlyCollection<(string Storage, JsonObject Object)> objects)
    {
        DataDirectoryFiles.WriteAtomically(path, stream =>
        {
            stream.Write(ChecksummedLine.Encode(new JsonObject { ["format"] = Format, ["revision"] = revision, ["objects"] = objects.Count }));
            foreach (var (storage, obj) in objects)
            {
                stream.Write(ChecksummedLine.Encode(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("storage", storage);
                    w.WritePropertyName("object");
                    obj.WriteTo(w);
                    w.WriteEndObject();
                }));
            }
        });
    }

    /// <summary>Reads a snapshot; null when there is none. Throws <see cref="DataDirectoryCorruptException"/>.</summary>
    public static (long Revision, List<(string Storage, JsonObject Object)> Objects)? Read(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }
        var (lines, fragmentOffset, fragmentLength) = LineFile.Split(File.ReadAllBytes(path));
        if (fragmentLength > 0)
        {
            throw new DataDirectoryCorruptException(path, $"ends with an incomplete line at byte {fragmentOffset}");
        }
        if (lines.Count == 0 || ChecksummedLine.Decode(lines[0].Line.Span) is not { } header)
        {
            throw new DataDirectoryCorruptException(path, "the header line is missing or damaged");
        }
        if (JsonText.GetString(header, "format") != Format)
        {
            throw new DataDirectoryCorruptException(path, $"unknown format \"{JsonText.GetString(header, "format")}\" (expected \"{Format}\")");
        }
        if (!JsonText.TryGetLong(header["revision"], out var revision) || revision < 0
            || !JsonText.TryGetLong(header["objects"], out var count) || count != lines.Count - 1)
        {
            throw new DataDirectoryCorruptException(path, $"the header does not match the file ({lines.Count - 1} object lines)");
        }
        var objects = new List<(string, JsonObject)>(lines.Count - 1);
        for (var i = 1; i < lines.Count; i++)
        {
            var json = ChecksummedLine.Decode(lines[i].Line.Span);
            if (json is null || JsonText.GetString(json, "storage") is not { } storage || json["object"] is not JsonObject obj
                || ObjectMeta.Name(obj).Length == 0)
            {
                throw new DataDirectoryCorruptException(path, $"line {i + 1} (byte {lines[i].Offset}) is damaged (checksum or content)");
            }
            json.Remove("object");
            objects.Add((storage, obj));
        }
        return (revision, objects);
    }
}
