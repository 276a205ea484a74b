using System.Text.Json;
using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Discovery;
using AppKeys.LocalApiServer.Errors;
using AppKeys.LocalApiServer.Model;
using AppKeys.LocalApiServer.Objects;
using Microsoft.AspNetCore.Http;

namespace AppKeys.LocalApiServer.Http;

internal sealed partial class ApiEndpoint
{
    private const string AggregatedContentType = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

    private readonly Lock openApiGate = new();
    private long openApiRevision = -1;
    private Dictionary<string, (byte[] Body, string Hash)> openApiDocs = new(StringComparer.Ordinal);

    /// <summary>
    /// Discovery (<c>/api</c>, <c>/apis</c>: aggregated v2 when the Accept header asks for it, legacy otherwise;
    /// client-go decides by the response Content-Type) and OpenAPI v3 (root index with content hashes).
    /// </summary>
    private async Task ServeDiscoveryAsync(HttpContext ctx, string[] segments)
    {
        var resources = service.Registry.All;
        var aggregated = ctx.Request.Headers.Accept.ToString().Contains("as=APIGroupDiscoveryList", StringComparison.Ordinal)
            && ctx.Request.Headers.Accept.ToString().Contains("v=v2", StringComparison.Ordinal);
        switch (segments)
        {
            case ["api"] when aggregated:
                await WriteAggregatedAsync(ctx, DiscoveryDocuments.AggregatedCore(resources));
                return;
            case ["api"]:
                await HttpIo.WriteJsonAsync(ctx, 200, DiscoveryDocuments.LegacyApiVersions());
                return;
            case ["apis"] when aggregated:
                await WriteAggregatedAsync(ctx, DiscoveryDocuments.AggregatedGroups(resources));
                return;
            case ["apis"]:
                await HttpIo.WriteJsonAsync(ctx, 200, DiscoveryDocuments.LegacyGroupList(resources));
                return;
            case ["api", "v1"]:
                await HttpIo.WriteJsonAsync(ctx, 200, DiscoveryDocuments.LegacyResourceList("v1", resources.Where(r => r.Group.Length == 0).ToList()));
                return;
            case ["apis", var group]:
                await HttpIo.WriteJsonAsync(ctx, 200, ApiGroup(group, resources));
                return;
            case ["apis", var group, var version] when service.Registry.ServesGroupVersion(group, version):
                await HttpIo.WriteJsonAsync(ctx, 200,
                    DiscoveryDocuments.LegacyResourceList($"{group}/{version}", resources.Where(r => r.Group == group && r.Version == version).ToList()));
                return;
            case ["openapi", "v2"]:
                {
                    var v2 = OpenApi.OpenApiV2.Build(resources);
                    if (ctx.Request.Headers.Accept.ToString().Contains("protobuf", StringComparison.Ordinal))
                    {
                        var bytes = OpenApi.OpenApiV2.ToProtobuf(v2);
                        ctx.Response.StatusCode = 200;
                        ctx.Response.ContentType = OpenApi.OpenApiV2.ProtobufMediaType;
                        ctx.Response.ContentLength = bytes.Length;
                        await ctx.Response.Body.WriteAsync(bytes, ctx.RequestAborted);
                        return;
                    }
                    await HttpIo.WriteJsonAsync(ctx, 200, v2);
                    return;
                }
            case ["openapi", "v3"]:
                await HttpIo.WriteJsonAsync(ctx, 200, OpenApi.OpenApiBuilder.BuildRoot(OpenApiDocuments().ToDictionary(kv => kv.Key, kv => kv.Value.Hash)));
                return;
            case ["openapi", "v3", .. var rest] when rest.Length is 2 or 3:
                {
                    var gv = rest[0] == "api" ? rest[1] : rest.Length == 3 ? $"{rest[1]}/{rest[2]}" : "";
                    if (OpenApiDocuments().TryGetValue(gv, out var doc))
                    {
                        ctx.Response.StatusCode = 200;
                        ctx.Response.ContentType = "application/json";
                        ctx.Response.ContentLength = doc.Body.Length;
                        await ctx.Response.Body.WriteAsync(doc.Body, ctx.RequestAborted);
                        return;
                    }
                    break;
                }
            default:
                break;
        }
        throw StatusErrors.PathNotFound();
    }

    private static async Task WriteAggregatedAsync(HttpContext ctx, JsonObject doc)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(doc, JsonText.Compact);
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = AggregatedContentType;
        ctx.Response.ContentLength = bytes.Length;
        await ctx.Response.Body.WriteAsync(bytes, ctx.RequestAborted);
    }

    /// <summary><c>GET /apis/&lt;group&gt;</c>: one <c>APIGroup</c> (the matching entry of the group list).</summary>
    private static JsonObject ApiGroup(string group, IReadOnlyList<ApiResourceInfo> resources)
    {
        if (DiscoveryDocuments.LegacyGroupList(resources)["groups"] is JsonArray groups)
        {
            foreach (var g in groups.OfType<JsonObject>())
            {
                if (JsonText.GetString(g, "name") == group)
                {
                    var copy = (JsonObject)g.DeepClone();
                    var result = new JsonObject { ["kind"] = "APIGroup", ["apiVersion"] = "v1" };
                    foreach (var key in copy.Select(kv => kv.Key).ToList())
                    {
                        copy.Remove(key, out var value);
                        result[key] = value;
                    }
                    return result;
                }
            }
        }
        throw StatusErrors.PathNotFound();
    }

    /// <summary>Per group-version OpenAPI documents, rebuilt when the served resources change.</summary>
    private Dictionary<string, (byte[] Body, string Hash)> OpenApiDocuments()
    {
        lock (openApiGate)
        {
            var revision = service.Registry.Revision;
            if (revision == openApiRevision)
            {
                return openApiDocs;
            }
            var docs = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
            foreach (var byGv in service.Registry.All.GroupBy(r => r.GroupVersion))
            {
                var doc = OpenApi.OpenApiBuilder.BuildGroupVersion(byGv.Key, byGv.ToList());
                docs[byGv.Key] = (JsonSerializer.SerializeToUtf8Bytes(doc, JsonText.Compact), OpenApi.OpenApiBuilder.Hash(doc));
            }
            openApiDocs = docs;
            openApiRevision = revision;
            return docs;
        }
    }
}
