using System.Globalization;
using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Admission;
using AppKeys.LocalApiServer.Authentication;
using AppKeys.LocalApiServer.Errors;
using AppKeys.LocalApiServer.Lists;
using AppKeys.LocalApiServer.Model;
using AppKeys.LocalApiServer.Objects;
using AppKeys.LocalApiServer.Registry;
using AppKeys.LocalApiServer.Resources;
using AppKeys.LocalApiServer.Selectors;
using Microsoft.AspNetCore.Http;

namespace AppKeys.LocalApiServer.Http;

internal sealed partial class ApiEndpoint
{
    private async Task ServeResourceAsync(HttpContext ctx, UserInfo user, ResourcePath p)
    {
        // kube authorizes the request as its path reads (RequestInfoFactory) before anything is looked up: a user
        // who may not make a request learns nothing about whether its resource exists (403, not 404).
        var method = ctx.Request.Method;
        var watch = p.LegacyWatch || QueryBool(ctx, "watch");
        var requested = method switch
        {
            "GET" or "HEAD" when watch => "watch",
            "GET" or "HEAD" => p.Name is null ? "list" : "get",
            "POST" => "create",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" => p.Name is null ? "deletecollection" : "delete",
            _ => null,
        };
        if (requested is not null)
        {
            Authorize(user, requested, p with { Name = p.Name ?? NameFromFieldSelector(ctx, requested) }, ctx.Request.Path.Value ?? "");
        }

        var r = service.Registry.Find(p.Group, p.Version, p.Plural) ?? throw StatusErrors.PathNotFound();
        if ((!r.Namespaced && p.Namespace is not null) || (r.Namespaced && p.Namespace is null && p.Name is not null))
        {
            throw StatusErrors.PathNotFound();
        }
        if (p.Subresource is not null
            && !(p.Subresource == "status" && r.HasStatusSubresource)
            && !(p.Subresource == "scale" && ResourceService.HasScale(r))
            && !(p.Subresource == "token" && r.Group.Length == 0 && r.Plural == "serviceaccounts")
            && !(p.Subresource == "finalize" && KindRules.IsNamespace(r)))
        {
            throw StatusErrors.PathNotFound();
        }
        // The route: the verb the path was authorized for, unless nothing serves it (HEAD, a POST to a name other
        // than a ServiceAccount's token, a PUT or PATCH to a collection).
        var verb = requested switch
        {
            _ when method == "HEAD" => null,
            "create" when p.Name is not null && p.Subresource != "token" => null,
            "update" or "patch" when p.Name is null => null,
            _ => requested,
        };
        if (p.Subresource == "token")
        {
            if (verb != "create")
            {
                throw StatusErrors.MethodNotAllowed();
            }
            await CreateTokenAsync(ctx, p);
            return;
        }
        if (verb is null || (p.Subresource is not null && verb is not ("get" or "update" or "patch"))
            || (p.Subresource == "finalize" && verb != "update")
            || (p.Subresource is null && !r.Verbs.Contains(verb)))
        {
            throw StatusErrors.MethodNotAllowed();
        }
        if (p.Subresource == "scale")
        {
            await ServeScaleAsync(ctx, r, p, verb);
            return;
        }
        var ns = p.Namespace;
        switch (verb)
        {
            case "get":
                await RespondObjectAsync(ctx, r, 200, service.Get(r, ns, p.Name!), []);
                break;
            case "list":
                await ListAsync(ctx, r, ns);
                break;
            case "watch":
                await WatchAsync(ctx, r, ns);
                break;
            case "create":
                {
                    var body = HttpIo.DecodeObject(ctx, await HttpIo.ReadBodyAsync(ctx, this.options.MaxRequestBodyBytes), r.Kind);
                    PrepareBody(r, body);
                    var result = service.Create(r, ns, body, WriteOptionsOf(ctx));
                    await RespondObjectAsync(ctx, r, result.Code, result.Body, result.Warnings);
                    break;
                }
            case "update":
                {
                    var body = HttpIo.DecodeObject(ctx, await HttpIo.ReadBodyAsync(ctx, this.options.MaxRequestBodyBytes), r.Kind);
                    PrepareBody(r, body);
                    var result = service.Update(r, ns, p.Name!, p.Subresource, body, WriteOptionsOf(ctx));
                    await RespondObjectAsync(ctx, r, result.Code, result.Body, result.Warnings);
                    break;
                }
            case "patch":
                await PatchAsync(ctx, r, p);
                break;
            case "delete":
                {
                    var result = service.Delete(r, ns, p.Name!, await DeleteOptionsOfAsync(ctx, this.options.MaxRequestBodyBytes));
                    await RespondObjectAsync(ctx, r, result.Code, result.Body, result.Warnings);
                    break;
                }
            case "deletecollection":
                {
                    var options = ListOptionsOf(ctx);
                    var filter = ObjectFilter.Create(r, ns, options.LabelSelector, options.FieldSelector, s => service.Present(r, s));
                    var result = service.DeleteCollection(r, ns, filter, await DeleteOptionsOfAsync(ctx, this.options.MaxRequestBodyBytes));
                    await HttpIo.WriteJsonAsync(ctx, result.Code, result.Body, result.Warnings);
                    break;
                }
            default:
                throw StatusErrors.PathNotFound();
        }
    }

    /// <summary>
    /// Decoding that happens before the generic path: metadata must decode into ObjectMeta (400 otherwise), then
    /// the kind's own (Secret base64 and stringData).
    /// </summary>
    private static void PrepareBody(ApiResourceInfo r, JsonObject body)
    {
        ObjectMetaDecoding.CheckBody(r, body);
        if (KindRules.IsSecret(r))
        {
            KindRules.DecodeSecretData(body);
        }
        else if (KindRules.IsConfigMap(r))
        {
            KindRules.DecodeConfigMapBinaryData(body);
        }
    }

    private async Task ListAsync(HttpContext ctx, ApiResourceInfo r, string? ns)
    {
        var options = ListOptionsOf(ctx);
        ValidateListOptions(ctx, options, watch: false);
        var filter = ObjectFilter.Create(r, ns, options.LabelSelector, options.FieldSelector, s => service.Present(r, s));
        var (items, rv, next, remaining) = service.List(r, ns, options, filter);
        var meta = new JsonObject { ["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture) };
        if (next is not null)
        {
            meta["continue"] = next;
            meta["remainingItemCount"] = remaining;
        }
        if (TableRequest.FromAccept(ctx) is { } table)
        {
            await HttpIo.WriteJsonAsync(ctx, 200, RenderTable(r, items, table, meta, includeColumns: true));
            return;
        }
        var array = new JsonArray();
        foreach (var item in items)
        {
            if (!r.IsCustom)
            {
                // Typed lists of built-ins carry no kind/apiVersion per item (kube encodes internal objects).
                item.Remove("kind");
                item.Remove("apiVersion");
            }
            array.Add(item);
        }
        var list = new JsonObject
        {
            ["kind"] = r.ListKind,
            ["apiVersion"] = r.GroupVersion,
            ["metadata"] = meta,
            ["items"] = array,
        };
        await HttpIo.WriteJsonAsync(ctx, 200, list);
    }

    private static void ValidateListOptions(HttpContext ctx, ListQuery o, bool watch)
    {
        var causes = new List<FieldCause>();
        var match = o.ResourceVersionMatch;
        if (!string.IsNullOrEmpty(match))
        {
            if (match is not ("Exact" or "NotOlderThan"))
            {
                causes.Add(FieldCause.NotSupported("resourceVersionMatch", match, ["Exact", "NotOlderThan", ""]));
            }
            else if (string.IsNullOrEmpty(o.ResourceVersion) && !QueryBool(ctx, "sendInitialEvents"))
            {
                causes.Add(FieldCause.Forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden unless resourceVersion is provided"));
            }
            else if (match == "Exact" && o.ResourceVersion == "0")
            {
                causes.Add(FieldCause.Forbidden("resourceVersionMatch", "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\""));
            }
            if (!string.IsNullOrEmpty(o.Continue))
            {
                causes.Add(FieldCause.Forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden when continue is provided"));
            }
        }
        if (Query(ctx, "sendInitialEvents") is { } sie && sie.Length > 0)
        {
            if (!watch)
            {
                causes.Add(FieldCause.Forbidden("sendInitialEvents", "sendInitialEvents is forbidden for list"));
            }
            else
            {
                if (match != "NotOlderThan")
                {
                    causes.Add(FieldCause.Forbidden("resourceVersionMatch", "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"));
                }
                if (!QueryBool(ctx, "allowWatchBookmarks"))
                {
                    causes.Add(FieldCause.Required("allowWatchBookmarks", "sendInitialEvents requires setting allowWatchBookmarks to true"));
                }
            }
        }
        else if (watch && match is { Length: > 0 })
        {
            causes.Add(FieldCause.Forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided"));
        }
        if (causes.Count > 0)
        {
            throw StatusErrors.Invalid(BuiltInResources.ListOptionsKind, "", causes);
        }
    }

    private async Task RespondObjectAsync(HttpContext ctx, ApiResourceInfo r, int code, JsonObject obj, IReadOnlyList<string> warnings)
    {
        if (TableRequest.FromAccept(ctx) is { } table && obj["kind"]?.GetValue<string>() != "Status")
        {
            var meta = new JsonObject { ["resourceVersion"] = obj["metadata"]?["resourceVersion"]?.DeepClone() };
            await HttpIo.WriteJsonAsync(ctx, code, RenderTable(r, [obj], table, meta, includeColumns: true), warnings);
            return;
        }
        await HttpIo.WriteJsonAsync(ctx, code, obj, warnings);
    }

    /// <summary>
    /// A list or watch whose field selector requires one <c>metadata.name</c> is authorized for that name, as kube's
    /// RequestInfoFactory does, so a rule limited by resourceNames allows watching the one object it names.
    /// </summary>
    private static string? NameFromFieldSelector(HttpContext ctx, string verb)
    {
        if (verb is not ("list" or "watch") || Query(ctx, "fieldSelector") is not { Length: > 0 } text)
        {
            return null;
        }
        try
        {
            var name = FieldSelector.Parse(text).RequiresExactMatch("metadata.name");
            return name is null or "." or ".." || name.Contains('/', StringComparison.Ordinal) || name.Contains('%', StringComparison.Ordinal) ? null : name;
        }
        catch (SelectorParseException)
        {
            return null;
        }
    }
}
