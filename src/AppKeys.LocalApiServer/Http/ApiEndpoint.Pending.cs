using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Errors;
using AppKeys.LocalApiServer.Model;
using Microsoft.AspNetCore.Http;

namespace AppKeys.LocalApiServer.Http;

// Transitional until the pure Discovery/OpenApi/Tables code lands on main.
internal sealed partial class ApiEndpoint
{
    private static Task ServeDiscoveryAsync(HttpContext ctx, string[] segments) => throw StatusErrors.PathNotFound();

    private JsonObject RenderTable(ApiResourceInfo r, IReadOnlyList<JsonObject> items, TableRequest table, JsonObject meta, bool includeColumns) =>
        throw StatusErrors.NotAcceptable([_options.UseHttps ? "application/json" : "application/json"]);
}
