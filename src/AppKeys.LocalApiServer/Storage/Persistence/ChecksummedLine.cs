using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Objects;

namespace AppKeys.LocalApiServer.Storage.Persistence;

/// <summary>
/// The line format of the snapshot and the journal: 16 hex digits (the first 8 bytes of the SHA-256 of the JSON),
/// a space, one compact JSON object, a newline. The checksum catches bit rot and torn writes that still parse.
/// </summary>
internal static class ChecksummedLine
{
    private const int SumLength = 16;

    public static byte[] Encode(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, JsonText.WriterOptions))
        {
            write(writer);
        }
        var json = buffer.WrittenSpan;
        var line = new byte[SumLength + 1 + json.Length + 1];
        Encoding.ASCII.GetBytes(Sum(json), line);
        line[SumLength] = (byte)' ';
        json.CopyTo(line.AsSpan(SumLength + 1));
        line[^1] = (byte)'\n';
        return line;
    }

    public static byte[] Encode(JsonObject json) => Encode(w => json.WriteTo(w));

    /// <summary>The JSON object of a line (without its newline); null when the checksum or the JSON is wrong.</summary>
    public static JsonObject? Decode(ReadOnlySpan<byte> line)
    {
        if (line.Length < SumLength + 3 || line[SumLength] != (byte)' ')
        {
            return null;
        }
        var json = line[(SumLength + 1)..];
        if (!Encoding.ASCII.GetString(line[..SumLength]).Equals(Sum(json), StringComparison.Ordinal))
        {
            return null;
        }
        try
        {
            return JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = 512 }) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Sum(ReadOnlySpan<byte> json) => Convert.ToHexStringLower(SHA256.HashData(json).AsSpan(0, SumLength / 2));
}
