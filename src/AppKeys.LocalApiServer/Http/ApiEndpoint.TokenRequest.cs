using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Authentication;
using AppKeys.LocalApiServer.Errors;
using AppKeys.LocalApiServer.Objects;
using AppKeys.LocalApiServer.Protobuf;
using AppKeys.LocalApiServer.Registry;
using Microsoft.AspNetCore.Http;

namespace AppKeys.LocalApiServer.Http;

internal sealed partial class ApiEndpoint
{
    /// <summary>
    /// POST <c>serviceaccounts/&lt;name&gt;/token</c> (kube pkg/registry/core/serviceaccount/storage TokenREST): a
    /// TokenRequest answered with a bearer token of <c>system:serviceaccount:&lt;ns&gt;:&lt;name&gt;</c> that this
    /// server accepts until it expires (expirationSeconds, default 3600, at least 600) and only for its audience.
    /// </summary>
    private async Task CreateTokenAsync(HttpContext ctx, ResourcePath p)
    {
        var ns = p.Namespace!;
        var name = p.Name!;
        var raw = await HttpIo.ReadBodyAsync(ctx, options.MaxRequestBodyBytes);
        var request = HttpIo.MediaType(ctx.Request.ContentType) == "application/vnd.kubernetes.protobuf"
            ? DecodeTokenRequestProtobuf(raw)
            : HttpIo.DecodeObject(ctx, raw, "TokenRequest");
        if (JsonText.GetString(request, "kind") is { Length: > 0 } kind && kind != "TokenRequest")
        {
            throw StatusErrors.BadRequest($"the kind in the data ({kind}) does not match the expected kind (TokenRequest) for this resource");
        }
        var meta = request["metadata"] as JsonObject ?? [];
        if (JsonText.GetString(meta, "name") is { Length: > 0 } bodyName && bodyName != name)
        {
            throw StatusErrors.Invalid(BuiltInResources.TokenRequests, name, [FieldCause.Invalid("metadata.name", bodyName, "must match the service account name if specified")]);
        }
        if (JsonText.GetString(meta, "namespace") is { Length: > 0 } bodyNs && bodyNs != ns)
        {
            throw StatusErrors.Invalid(BuiltInResources.TokenRequests, name, [FieldCause.Invalid("metadata.namespace", bodyNs, "must match the service account namespace if specified")]);
        }
        var serviceAccount = service.Get(BuiltInResources.ServiceAccounts, ns, name); // 404 serviceaccounts "<name>" not found
        var spec = request["spec"] as JsonObject ?? [];
        if (spec["boundObjectRef"] is JsonObject)
        {
            throw StatusErrors.BadRequest("the local API server cannot bind tokens to objects (spec.boundObjectRef)");
        }
        var audiences = spec["audiences"] is JsonArray { Count: > 0 } a
            ? a.Select(JsonText.ScalarString).OfType<string>().ToList()
            : [TokenAuthenticator.ApiAudience];
        long seconds = 3600; // authentication/v1 SetDefaults_TokenRequestSpec
        if (spec["expirationSeconds"] is JsonValue es)
        {
            if (!es.TryGetValue<long>(out seconds))
            {
                throw StatusErrors.BadRequest("TokenRequest in version \"v1\" cannot be handled as a TokenRequest: spec.expirationSeconds must be an integer");
            }
        }
        var causes = new List<FieldCause>();
        if (seconds < 600)
        {
            causes.Add(FieldCause.Invalid("spec.expirationSeconds", null, $"{seconds}: may not specify a duration less than 10 minutes"));
        }
        if (seconds > 1L << 32)
        {
            causes.Add(FieldCause.Invalid("spec.expirationSeconds", null, $"{seconds}: may not specify a duration larger than 2^32 seconds"));
        }
        if (causes.Count > 0)
        {
            throw StatusErrors.Invalid(BuiltInResources.TokenRequests, "", causes);
        }
        var now = options.Time.GetUtcNow();
        now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
        var expires = now.AddSeconds(seconds);
        var token = authenticator.Issue($"system:serviceaccount:{ns}:{name}", null, (expires, audiences), ObjectMeta.Uid(serviceAccount));
        var response = new JsonObject
        {
            ["kind"] = "TokenRequest",
            ["apiVersion"] = "authentication.k8s.io/v1",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["creationTimestamp"] = ObjectMeta.FormatTime(now) },
            ["spec"] = new JsonObject
            {
                ["audiences"] = new JsonArray([.. audiences.Select(x => (JsonNode)x)]),
                ["expirationSeconds"] = seconds,
                ["boundObjectRef"] = null,
            },
            ["status"] = new JsonObject { ["token"] = token, ["expirationTimestamp"] = ObjectMeta.FormatTime(expires) },
        };
        await HttpIo.WriteJsonAsync(ctx, 201, response);
    }

    /// <summary>
    /// The protobuf TokenRequest typed clients send (k8s.io/api authentication/v1 generated.proto: TokenRequest
    /// 1 metadata, 2 spec; TokenRequestSpec 1 audiences, 3 boundObjectRef, 4 expirationSeconds).
    /// </summary>
    private static JsonObject DecodeTokenRequestProtobuf(byte[] body)
    {
        ReadOnlySpan<byte> magic = "k8s\0"u8;
        if (!body.AsSpan().StartsWith(magic))
        {
            throw StatusErrors.BadRequest("the object provided is unrecognized or malformed: missing k8s protobuf prefix");
        }
        try
        {
            ReadOnlySpan<byte> raw = default;
            var envelope = new ProtoReader(body.AsSpan(magic.Length));
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
            var result = new JsonObject();
            var spec = new JsonObject();
            var message = new ProtoReader(raw);
            while (message.Next(out var f, out var w))
            {
                if (f == 1 && w == 2)
                {
                    var meta = new JsonObject();
                    var m = new ProtoReader(message.ReadBytes());
                    while (m.Next(out var mf, out var mw))
                    {
                        switch (mf)
                        {
                            case 1 when mw == 2: meta["name"] = m.ReadString(); break;
                            case 3 when mw == 2: meta["namespace"] = m.ReadString(); break;
                            default: m.Skip(mw); break;
                        }
                    }
                    result["metadata"] = meta;
                }
                else if (f == 2 && w == 2)
                {
                    var s = new ProtoReader(message.ReadBytes());
                    while (s.Next(out var sf, out var sw))
                    {
                        switch (sf)
                        {
                            case 1 when sw == 2:
                                if (spec["audiences"] is not JsonArray list)
                                {
                                    list = [];
                                    spec["audiences"] = list;
                                }
                                list.Add(s.ReadString());
                                break;
                            case 3 when sw == 2:
                                s.ReadBytes();
                                spec["boundObjectRef"] = new JsonObject();
                                break;
                            case 4 when sw == 0: spec["expirationSeconds"] = (long)s.ReadVarint(); break;
                            default: s.Skip(sw); break;
                        }
                    }
                }
                else
                {
                    message.Skip(w);
                }
            }
            result["spec"] = spec;
            return JsonNode.Parse(result.ToJsonString())!.AsObject();
        }
        catch (FormatException ex)
        {
            throw StatusErrors.BadRequest($"the object provided is unrecognized or malformed: {ex.Message}");
        }
    }
}
