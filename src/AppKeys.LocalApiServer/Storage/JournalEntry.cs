using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Objects;

namespace AppKeys.LocalApiServer.Storage;

/// <summary>
/// One committed change: a put (create or update, carrying the whole stored object) or a delete (the key) at a
/// resourceVersion. Serialized as one journal line: <c>{"rv":N,"op":"put","storage":"g/plural","object":{...}}</c>
/// or <c>{"rv":N,"op":"delete","storage":"g/plural","key":"ns/name"}</c>.
/// </summary>
internal sealed record JournalEntry(string Op, string Storage, long Revision, JsonObject? Object, string Key)
{
    public const string PutOp = "put";
    public const string DeleteOp = "delete";

    public static JournalEntry Put(string storage, long revision, JsonObject obj) =>
        new(PutOp, storage, revision, obj, ClusterStore.Key(ObjectMeta.Namespace(obj), ObjectMeta.Name(obj)));

    public static JournalEntry Delete(string storage, long revision, string key) => new(DeleteOp, storage, revision, null, key);

    /// <summary>Writes the line's JSON (the stored object is written as is, not copied).</summary>
    public void WriteJson(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteNumber("rv", Revision);
        writer.WriteString("op", Op);
        writer.WriteString("storage", Storage);
        if (Object is not null)
        {
            writer.WritePropertyName("object");
            Object.WriteTo(writer);
        }
        else
        {
            writer.WriteString("key", Key);
        }
        writer.WriteEndObject();
    }

    /// <summary>Reads an entry; null when the JSON is not a well-formed entry.</summary>
    public static JournalEntry? FromJson(JsonObject json)
    {
        if (!JsonText.TryGetLong(json["rv"], out var rv) || rv <= 0
            || JsonText.GetString(json, "op") is not { } op || JsonText.GetString(json, "storage") is not { } storage)
        {
            return null;
        }
        switch (op)
        {
            case PutOp when json["object"] is JsonObject obj && ObjectMeta.Name(obj).Length > 0
                && ObjectMeta.ResourceVersion(obj) == rv.ToString(CultureInfo.InvariantCulture):
                json.Remove("object");
                return Put(storage, rv, obj);
            case DeleteOp when JsonText.GetString(json, "key") is { Length: > 0 } key:
                return Delete(storage, rv, key);
            default:
                return null;
        }
    }
}
