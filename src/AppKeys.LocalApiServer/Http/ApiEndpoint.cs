using System.Globalization;
using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Authentication;
using AppKeys.LocalApiServer.Authorization;
using AppKeys.LocalApiServer.Errors;
using AppKeys.LocalApiServer.Lists;
using AppKeys.LocalApiServer.Objects;
using AppKeys.LocalApiServer.Resources;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AppKeys.LocalApiServer.Http;

/// <summary>
/// The single request handler: authentication, routing (apiserver RequestInfoFactory rules), authorization hook
/// and dispatch to the verbs. Every failure is answered with a Status body; nothing escapes as a crash.
/// </summary>
internal sealed partial class ApiEndpoint
{
    private readonly ResourceService service;
    private readonly TokenAuthenticator authenticator;
    private readonly IAuthorizer authorizer;
    private readonly LocalApiServerOptions options;
    private readonly ILogger logger;
    private readonly CancellationToken stopping;

    public ApiEndpoint(ResourceService service, TokenAuthenticator authenticator, IAuthorizer authorizer, LocalApiServerOptions options,
        ILogger logger, CancellationToken stopping)
    {
        this.service = service;
        this.authenticator = authenticator;
        this.authorizer = authorizer;
        this.options = options;
        this.logger = logger;
        this.stopping = stopping;
    }

    public async Task HandleAsync(HttpContext ctx)
    {
        try
        {
            await DispatchAsync(ctx);
        }
        catch (ApiException ex)
        {
            await HttpIo.WriteErrorAsync(ctx, ex);
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested || stopping.IsCancellationRequested)
        {
            // Client went away or the server is stopping.
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Unhandled error for {Method} {Path}", ctx.Request.Method, ctx.Request.Path);
            await HttpIo.WriteErrorAsync(ctx, StatusErrors.Internal(ex.GetType().Name + ": " + ex.Message));
        }
    }

    private async Task DispatchAsync(HttpContext ctx)
    {
        var path = ctx.Request.Path.Value ?? "/";
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length >= 1 && segments[0] is "healthz" or "livez" or "readyz")
        {
            await HttpIo.WriteTextAsync(ctx, 200, "ok");
            return;
        }
        if (segments is ["version"])
        {
            await HttpIo.WriteJsonAsync(ctx, 200, VersionInfo());
            return;
        }

        var requester = authenticator.Authenticate(ctx.Request.Headers.Authorization.ToString())
            ?? throw StatusErrors.Unauthorized();
        var user = Impersonation.Resolve(ctx.Request.Headers, requester, authorizer, path);
        ctx.Items[UserInfo.HttpContextKey] = user;

        if (segments.Length == 0)
        {
            Authorize(user, "get", null, path);
            await HttpIo.WriteJsonAsync(ctx, 200, RootPaths());
            return;
        }
        ResourcePath? resourcePath = null;
        switch (segments[0])
        {
            case "api" when segments.Length <= 2:
            case "apis" when segments.Length <= 3:
            case "openapi":
                Authorize(user, "get", null, path);
                await ServeDiscoveryAsync(ctx, segments);
                return;
            case "api" when segments[1] == "v1":
                resourcePath = ResourcePath.Parse("", "v1", segments.AsSpan(2));
                break;
            case "apis":
                resourcePath = ResourcePath.Parse(segments[1], segments[2], segments.AsSpan(3));
                break;
            default:
                break;
        }
        if (resourcePath is null)
        {
            // A non-resource URL: authorized with the request's method as the verb before it is found missing.
            Authorize(user, ctx.Request.Method.ToLowerInvariant(), null, path);
            throw StatusErrors.PathNotFound();
        }
        await ServeResourceAsync(ctx, user, resourcePath);
    }

    private void Authorize(UserInfo user, string verb, ResourcePath? request, string path)
    {
        var attributes = request is null
            ? new AuthorizationAttributes(user, verb, false, "", "", "", null, null, null, path)
            : new AuthorizationAttributes(user, verb, true, request.Group, request.Version,
                request.Plural, request.Subresource, request.Namespace, request.Name, path);
        var decision = authorizer.Authorize(attributes);
        if (!decision.Allowed)
        {
            throw ForbiddenError.For(attributes, decision.Reason);
        }
    }

    private static JsonObject VersionInfo() => new()
    {
        ["major"] = "1",
        ["minor"] = "32",
        ["gitVersion"] = Discovery.KubeVersion.GitVersion,
        ["gitCommit"] = "0000000000000000000000000000000000000000",
        ["gitTreeState"] = "clean",
        ["buildDate"] = "2025-04-22T00:00:00Z",
        ["goVersion"] = "go1.23.6",
        ["compiler"] = "gc",
        ["platform"] = "linux/amd64",
    };

    private JsonObject RootPaths()
    {
        var paths = new SortedSet<string>(StringComparer.Ordinal) { "/api", "/api/v1", "/apis", "/healthz", "/livez", "/readyz", "/version", "/openapi/v2", "/openapi/v3" };
        foreach (var r in service.Registry.All)
        {
            if (r.Group.Length > 0)
            {
                paths.Add($"/apis/{r.Group}");
                paths.Add($"/apis/{r.Group}/{r.Version}");
            }
        }
        var array = new JsonArray();
        foreach (var p in paths)
        {
            array.Add(p);
        }
        return new JsonObject { ["paths"] = array };
    }

    private static string? Query(HttpContext ctx, string name) =>
        ctx.Request.Query.TryGetValue(name, out var v) && v.Count > 0 ? v[^1] : null;

    private static bool QueryBool(HttpContext ctx, string name) =>
        Query(ctx, name) is { } v && (v == "1" || v.Equals("true", StringComparison.OrdinalIgnoreCase));

    private static long? QueryLong(HttpContext ctx, string name)
    {
        var v = Query(ctx, name);
        if (string.IsNullOrEmpty(v))
        {
            return null;
        }
        return long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)
            ? l
            : throw StatusErrors.BadRequest($"strconv.ParseInt: parsing {GoQuote(v)}: invalid syntax");
    }

    /// <summary>Go's strconv.Quote for the printable ASCII a query parameter usually holds.</summary>
    private static string GoQuote(string s) =>
        "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static ListQuery ListOptionsOf(HttpContext ctx) => new()
    {
        LabelSelector = Query(ctx, "labelSelector"),
        FieldSelector = Query(ctx, "fieldSelector"),
        Limit = QueryLong(ctx, "limit"),
        Continue = Query(ctx, "continue"),
        ResourceVersion = Query(ctx, "resourceVersion"),
        ResourceVersionMatch = Query(ctx, "resourceVersionMatch"),
    };

    private static WriteOptions WriteOptionsOf(HttpContext ctx)
    {
        var dryRun = ctx.Request.Query["dryRun"].ToArray();
        foreach (var d in dryRun)
        {
            if (d != "All")
            {
                throw StatusErrors.BadRequest($"Invalid dryRun value \"{d}\": only \"All\" is supported");
            }
        }
        var mode = Query(ctx, "fieldValidation") switch
        {
            null or "" or "Warn" => FieldValidationMode.Warn,
            "Strict" => FieldValidationMode.Strict,
            "Ignore" => FieldValidationMode.Ignore,
            var other => throw StatusErrors.BadRequest(
                $"fieldValidation parameter unsupported: {other}, valid values are \"Ignore\", \"Warn\", \"Strict\""),
        };
        var agent = ctx.Request.Headers.UserAgent.ToString();
        var manager = agent.Length == 0 ? "unknown" : agent.Split('/')[0];
        return new WriteOptions
        {
            FieldManager = Query(ctx, "fieldManager"),
            DryRun = dryRun.Length > 0,
            FieldValidation = mode,
            Force = QueryBool(ctx, "force"),
            DefaultManager = manager,
            User = ctx.Items[UserInfo.HttpContextKey] as UserInfo,
        };
    }

    private static async Task<DeleteOptions> DeleteOptionsOfAsync(HttpContext ctx, long limit)
    {
        var body = await HttpIo.ReadBodyAsync(ctx, limit);
        string? policy = Query(ctx, "propagationPolicy");
        string? uid = null;
        string? rv = null;
        long? grace = QueryLong(ctx, "gracePeriodSeconds");
        var dryRun = ctx.Request.Query["dryRun"].Count > 0;
        var orphan = Query(ctx, "orphanDependents");
        if (body.Length > 0)
        {
            var o = HttpIo.MediaType(ctx.Request.ContentType) == "application/vnd.kubernetes.protobuf"
                ? Protobuf.KubeProtobuf.DecodeDeleteOptions(body)
                : JsonText.ParseObject(body);
            policy = JsonText.GetString(o, "propagationPolicy") ?? policy;
            uid = JsonText.GetString(o, "preconditions", "uid");
            rv = JsonText.GetString(o, "preconditions", "resourceVersion");
            if (JsonText.TryGetLong(o["gracePeriodSeconds"], out var gl))
            {
                grace = gl;
            }
            if (o["dryRun"] is JsonArray { Count: > 0 })
            {
                dryRun = true;
            }
            if (o["orphanDependents"] is JsonValue ov && ov.TryGetValue<bool>(out var ob))
            {
                orphan = ob ? "true" : "false";
            }
        }
        if (policy is null && orphan is not null)
        {
            policy = orphan == "true" ? "Orphan" : "Background";
        }
        return new DeleteOptions
        {
            PropagationPolicy = policy,
            PreconditionUid = uid,
            PreconditionResourceVersion = rv,
            DryRun = dryRun,
            GracePeriodSeconds = grace,
        };
    }
}
