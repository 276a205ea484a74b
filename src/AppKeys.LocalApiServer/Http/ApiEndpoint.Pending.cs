using AppKeys.LocalApiServer.Errors;
using Microsoft.AspNetCore.Http;

namespace AppKeys.LocalApiServer.Http;

// Transitional until the pure Discovery/OpenApi/Tables code lands on main.
internal sealed partial class ApiEndpoint
{
    private static Task ServeDiscoveryAsync(HttpContext ctx, string[] segments) => throw StatusErrors.PathNotFound();
}
