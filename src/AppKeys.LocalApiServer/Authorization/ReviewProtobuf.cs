using System.Text;
using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Errors;

namespace AppKeys.LocalApiServer.Authorization;

/// <summary>
/// Decodes the protobuf bodies kubectl sends for reviews (<c>application/vnd.kubernetes.protobuf</c>): the
/// <c>k8s\0</c> magic, a <c>runtime.Unknown</c> envelope, then SelfSubjectAccessReview, SelfSubjectRulesReview,
/// SubjectAccessReview (k8s.io/api/authorization/v1/generated.proto), TokenReview or SelfSubjectReview
/// (authentication/v1) into the same JSON the JSON path reads. Unknown fields are skipped.
/// </summary>
internal static class ReviewProtobuf
{
    private static readonly byte[] Magic = "k8s\0"u8.ToArray();

    public static JsonObject Decode(ReadOnlySpan<byte> body, string kind)
    {
        if (!body.StartsWith(Magic))
        {
            throw StatusErrors.BadRequest("the object provided is unrecognized or malformed: protobuf body without the k8s magic prefix");
        }
        try
        {
            // runtime.Unknown: 1 typeMeta, 2 raw, 3 contentEncoding, 4 contentType.
            var raw = Field(body[Magic.Length..], 2);
            // Review: 1 metadata, 2 spec, 3 status.
            var spec = Field(raw, 2);
            return kind switch
            {
                "SelfSubjectAccessReview" => new JsonObject { ["spec"] = AccessSpec(spec) },
                "SubjectAccessReview" => new JsonObject { ["spec"] = SubjectAccessSpec(spec) },
                "SelfSubjectRulesReview" => new JsonObject { ["spec"] = RulesSpec(spec) },
                // TokenReviewSpec: 1 token, 2 audiences.
                "TokenReview" => new JsonObject { ["spec"] = TokenSpec(spec) },
                _ => [],
            };
        }
        catch (FormatException ex)
        {
            throw StatusErrors.BadRequest("the object provided is unrecognized or malformed: " + ex.Message);
        }
    }

    private static JsonObject AccessSpec(ReadOnlySpan<byte> spec)
    {
        var o = new JsonObject();
        if (Has(spec, 1))
        {
            o["resourceAttributes"] = Strings(Field(spec, 1), [(1, "namespace"), (2, "verb"), (3, "group"), (4, "version"), (5, "resource"), (6, "subresource"), (7, "name")]);
        }
        if (Has(spec, 2))
        {
            o["nonResourceAttributes"] = Strings(Field(spec, 2), [(1, "path"), (2, "verb")]);
        }
        return o;
    }

    /// <summary>SubjectAccessReviewSpec: 1 resourceAttributes, 2 nonResourceAttributes, 3 user, 4 groups, 5 extra (map of ExtraValue{1 items}), 6 uid.</summary>
    private static JsonObject SubjectAccessSpec(ReadOnlySpan<byte> spec)
    {
        var o = AccessSpec(spec);
        foreach (var (name, value) in Strings(spec, [(3, "user"), (6, "uid")]).ToList())
        {
            o[name] = value?.DeepClone();
        }
        var groups = All(spec, 4);
        if (groups.Count > 0)
        {
            o["groups"] = new JsonArray([.. groups.Select(g => (JsonNode)Encoding.UTF8.GetString(g))]);
        }
        var entries = All(spec, 5);
        if (entries.Count > 0)
        {
            var extra = new JsonObject();
            foreach (var entry in entries)
            {
                var key = Encoding.UTF8.GetString(Field(entry, 1));
                extra[key] = new JsonArray([.. All(Field(entry, 2), 1).Select(v => (JsonNode)Encoding.UTF8.GetString(v))]);
            }
            o["extra"] = extra;
        }
        return o;
    }

    private static JsonObject TokenSpec(ReadOnlySpan<byte> spec)
    {
        var o = Strings(spec, [(1, "token")]);
        var audiences = All(spec, 2);
        if (audiences.Count > 0)
        {
            o["audiences"] = new JsonArray([.. audiences.Select(a => (JsonNode)Encoding.UTF8.GetString(a))]);
        }
        return o;
    }

    private static JsonObject RulesSpec(ReadOnlySpan<byte> spec) => Strings(spec, [(1, "namespace")]);

    /// <summary>Every occurrence of a length-delimited (repeated) field, in order.</summary>
    private static List<byte[]> All(ReadOnlySpan<byte> message, int number)
    {
        var all = new List<byte[]>();
        var rest = message;
        while (Find(rest, number, out var start, out var length, first: true))
        {
            all.Add(rest.Slice(start, length).ToArray());
            rest = rest[(start + length)..];
        }
        return all;
    }

    private static JsonObject Strings(ReadOnlySpan<byte> message, (int Number, string Name)[] fields)
    {
        var o = new JsonObject();
        foreach (var (number, name) in fields)
        {
            if (Has(message, number))
            {
                o[name] = Encoding.UTF8.GetString(Field(message, number));
            }
        }
        return o;
    }

    private static bool Has(ReadOnlySpan<byte> message, int number) => Find(message, number, out _, out _);

    /// <summary>The bytes of a length-delimited field (the last occurrence wins); empty when absent.</summary>
    private static ReadOnlySpan<byte> Field(ReadOnlySpan<byte> message, int number) =>
        Find(message, number, out var start, out var length) ? message.Slice(start, length) : [];

    private static bool Find(ReadOnlySpan<byte> message, int number, out int start, out int length, bool first = false)
    {
        start = 0;
        length = 0;
        var found = false;
        var pos = 0;
        while (pos < message.Length)
        {
            var key = Varint(message, ref pos);
            var wire = (int)(key & 7);
            var field = (int)(key >> 3);
            switch (wire)
            {
                case 0:
                    Varint(message, ref pos);
                    break;
                case 1:
                    pos += 8;
                    break;
                case 2:
                    var len = (int)Varint(message, ref pos);
                    if (len < 0 || pos + len > message.Length)
                    {
                        throw new FormatException("truncated protobuf field");
                    }
                    if (field == number)
                    {
                        (start, length, found) = (pos, len, true);
                        if (first)
                        {
                            return true;
                        }
                    }
                    pos += len;
                    break;
                case 5:
                    pos += 4;
                    break;
                default:
                    throw new FormatException($"unsupported protobuf wire type {wire}");
            }
        }
        if (pos > message.Length)
        {
            throw new FormatException("truncated protobuf message");
        }
        return found;
    }

    private static ulong Varint(ReadOnlySpan<byte> data, ref int pos)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (pos >= data.Length)
            {
                throw new FormatException("truncated protobuf varint");
            }
            var b = data[pos++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
        throw new FormatException("protobuf varint too long");
    }
}
