using AppKeys.LocalApiServer.Errors;
using AppKeys.LocalApiServer.Tables;
using Microsoft.AspNetCore.Http;

namespace AppKeys.LocalApiServer.Http;

/// <summary>A request for <c>meta.k8s.io/v1 Table</c> output (from the Accept header) and its includeObject policy.</summary>
internal sealed record TableRequest(IncludeObject IncludeObject)
{
    /// <summary>Null when the client did not ask for a Table.</summary>
    public static TableRequest? FromAccept(HttpContext ctx)
    {
        var accept = ctx.Request.Headers.Accept.ToString();
        if (!accept.Contains("as=Table", StringComparison.Ordinal))
        {
            return null;
        }
        var wantsTable = false;
        foreach (var clause in accept.Split(','))
        {
            var parts = clause.Split(';').Select(x => x.Trim()).ToList();
            if (parts.Contains("as=Table") && (parts.Contains("g=meta.k8s.io") || !parts.Any(x => x.StartsWith("g=", StringComparison.Ordinal)))
                && (parts.Contains("v=v1") || parts.Contains("v=v1beta1") || !parts.Any(x => x.StartsWith("v=", StringComparison.Ordinal))))
            {
                wantsTable = true;
                break;
            }
        }
        if (!wantsTable)
        {
            return null;
        }
        var include = ctx.Request.Query.TryGetValue("includeObject", out var v) && v.Count > 0 ? v[^1] : null;
        if (!TableOptions.TryParseIncludeObject(include, out var policy))
        {
            throw StatusErrors.BadRequest(
                $"includeObject: Unsupported value: \"{include}\": supported values: \"Metadata\", \"None\", \"Object\"");
        }
        return new TableRequest(policy);
    }
}
