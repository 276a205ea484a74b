using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Errors;

namespace AppKeys.LocalApiServer.Protobuf;

public static partial class KubeProtobuf
{
    /// <summary>
    /// A protobuf <c>meta/v1 DeleteOptions</c> body (what client-go sends with a protobuf content type, e.g. Helm
    /// deleting its release Secrets) as its JSON form: 1 gracePeriodSeconds, 2 preconditions {1 uid, 2
    /// resourceVersion}, 3 orphanDependents, 4 propagationPolicy, 5 dryRun (repeated); other fields are skipped.
    /// </summary>
    public static JsonObject DecodeDeleteOptions(ReadOnlySpan<byte> body)
    {
        try
        {
            if (body.Length < 4 || !body[..4].SequenceEqual(Magic))
            {
                throw new FormatException("missing k8s protobuf prefix");
            }

            ReadOnlySpan<byte> raw = default;
            var envelope = new ProtoReader(body[4..]);
            while (envelope.Next(out var f, out var w))
            {
                if (f == 2 && w == 2)
                {
                    raw = envelope.ReadBytes();
                }
                else
                {
                    envelope.Skip(w);
                }
            }

            var options = new JsonObject();
            var r = new ProtoReader(raw);
            while (r.Next(out var field, out var wire))
            {
                switch (field)
                {
                    case 1 when wire == 0:
                        options["gracePeriodSeconds"] = (long)r.ReadVarint();
                        break;
                    case 2 when wire == 2:
                        var preconditions = new JsonObject();
                        var p = new ProtoReader(r.ReadBytes());
                        while (p.Next(out var pf, out var pw))
                        {
                            if (pf is 1 or 2 && pw == 2)
                            {
                                preconditions[pf == 1 ? "uid" : "resourceVersion"] = p.ReadString();
                            }
                            else
                            {
                                p.Skip(pw);
                            }
                        }

                        options["preconditions"] = preconditions;
                        break;
                    case 3 when wire == 0:
                        options["orphanDependents"] = r.ReadVarint() != 0;
                        break;
                    case 4 when wire == 2:
                        options["propagationPolicy"] = r.ReadString();
                        break;
                    case 5 when wire == 2:
                        var dryRun = options["dryRun"] as JsonArray ?? [];
                        dryRun.Add(r.ReadString());
                        options["dryRun"] = dryRun;
                        break;
                    default:
                        r.Skip(wire);
                        break;
                }
            }

            return JsonNode.Parse(options.ToJsonString())!.AsObject();
        }
        catch (FormatException ex)
        {
            throw StatusErrors.BadRequest($"the object provided is unrecognized or malformed: {ex.Message}");
        }
    }
}
