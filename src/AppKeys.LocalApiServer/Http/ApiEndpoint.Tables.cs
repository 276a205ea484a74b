using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Model;
using AppKeys.LocalApiServer.Objects;
using AppKeys.LocalApiServer.Tables;

namespace AppKeys.LocalApiServer.Http;

internal sealed partial class ApiEndpoint
{
    /// <summary>A <c>meta.k8s.io/v1 Table</c> of <paramref name="items"/> (list, get, or one watch event).</summary>
    private JsonObject RenderTable(ApiResourceInfo r, IReadOnlyList<JsonObject> items, TableRequest table, JsonObject meta, bool includeColumns) =>
        TableRenderer.Render(r, items, new TableOptions
        {
            IncludeObject = table.IncludeObject,
            Now = options.Time.GetUtcNow(),
            ResourceVersion = JsonText.ScalarString(meta["resourceVersion"]),
            Continue = JsonText.ScalarString(meta["continue"]),
            IncludeColumnDefinitions = includeColumns,
        });
}
