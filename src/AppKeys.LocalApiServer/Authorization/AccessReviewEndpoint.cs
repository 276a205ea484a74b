using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Auth;
using AppKeys.LocalApiServer.Errors;
using AppKeys.LocalApiServer.Http;
using AppKeys.LocalApiServer.Objects;
using Microsoft.AspNetCore.Http;

namespace AppKeys.LocalApiServer.Authorization;

/// <summary>
/// <c>POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews</c> (what <c>kubectl auth can-i</c> sends) and
/// <c>selfsubjectrulesreviews</c> (<c>kubectl auth can-i --list</c>): the request's own user is checked against
/// the server's authorizer; the review is answered (201) and never stored (pkg/registry/authorization).
/// </summary>
internal sealed class AccessReviewEndpoint(TokenAuthenticator authenticator, IAuthorizer authorizer, Func<RbacPolicy>? policy, long maxBodyBytes)
{
    private const string Prefix = "/apis/authorization.k8s.io/v1/";

    public async Task InvokeAsync(HttpContext ctx, RequestDelegate next)
    {
        var path = ctx.Request.Path.Value ?? "";
        var resource = path.StartsWith(Prefix, StringComparison.Ordinal) ? path[Prefix.Length..] : null;
        if (ctx.Request.Method != HttpMethods.Post || resource is not ("selfsubjectaccessreviews" or "selfsubjectrulesreviews"))
        {
            await next(ctx);
            return;
        }
        try
        {
            var requester = authenticator.Authenticate(ctx.Request.Headers.Authorization.ToString()) ?? throw StatusErrors.Unauthorized();
            var user = Impersonation.Resolve(ctx.Request.Headers, requester, authorizer, path);
            ctx.Items[UserInfo.HttpContextKey] = user;
            var self = new AuthorizationAttributes(user, "create", true, "authorization.k8s.io", "v1", resource, null, null, null, path);
            var decision = authorizer.Authorize(self);
            if (!decision.Allowed)
            {
                throw ForbiddenError.For(self, decision.Reason);
            }
            var bytes = await HttpIo.ReadBodyAsync(ctx, maxBodyBytes);
            var kind = resource == "selfsubjectaccessreviews" ? "SelfSubjectAccessReview" : "SelfSubjectRulesReview";
            var body = HttpIo.MediaType(ctx.Request.ContentType) == "application/vnd.kubernetes.protobuf"
                ? ReviewProtobuf.Decode(bytes, kind)
                : HttpIo.DecodeObject(ctx, bytes, kind);
            var answer = resource == "selfsubjectaccessreviews" ? AccessReview(user, body) : RulesReview(user, body);
            await HttpIo.WriteJsonAsync(ctx, 201, answer);
        }
        catch (ApiException ex)
        {
            await HttpIo.WriteErrorAsync(ctx, ex);
        }
    }

    private JsonObject AccessReview(UserInfo user, JsonObject body)
    {
        var spec = body["spec"] as JsonObject ?? [];
        var resourceAttributes = spec["resourceAttributes"] as JsonObject;
        var nonResourceAttributes = spec["nonResourceAttributes"] as JsonObject;
        if ((resourceAttributes is null) == (nonResourceAttributes is null))
        {
            throw StatusErrors.Invalid(AuthorizationResources.SelfSubjectAccessReviews, "",
                [FieldCause.Invalid("spec.resourceAttributes", nonResourceAttributes is null ? "null" : "{...}",
                    "exactly one of nonResourceAttributes or resourceAttributes must be specified")]);
        }
        var attributes = resourceAttributes is not null
            ? new AuthorizationAttributes(user, Text(resourceAttributes, "verb"), true, Text(resourceAttributes, "group"),
                Text(resourceAttributes, "version"), Text(resourceAttributes, "resource"), Optional(resourceAttributes, "subresource"),
                Optional(resourceAttributes, "namespace"), Optional(resourceAttributes, "name"), "")
            : new AuthorizationAttributes(user, Text(nonResourceAttributes!, "verb"), false, "", "", "", null, null, null,
                Text(nonResourceAttributes!, "path"));
        var decision = authorizer.Authorize(attributes);
        var status = new JsonObject { ["allowed"] = decision.Allowed };
        if (!string.IsNullOrEmpty(decision.Reason))
        {
            status["reason"] = decision.Reason;
        }
        return Review("SelfSubjectAccessReview", spec, status);
    }

    private JsonObject RulesReview(UserInfo user, JsonObject body)
    {
        var spec = body["spec"] as JsonObject ?? [];
        var ns = JsonText.GetString(spec, "namespace") ?? "";
        var resourceRules = new JsonArray();
        var nonResourceRules = new JsonArray();
        var errors = new List<string>();
        if (policy is null || user.Groups.Contains(RbacEvaluator.SystemMasters))
        {
            // AlwaysAllow and the privileged-groups authorizer both answer "everything".
            resourceRules.Add(new JsonObject { ["verbs"] = new JsonArray("*"), ["apiGroups"] = new JsonArray("*"), ["resources"] = new JsonArray("*") });
            nonResourceRules.Add(new JsonObject { ["verbs"] = new JsonArray("*"), ["nonResourceURLs"] = new JsonArray("*") });
        }
        if (policy is not null)
        {
            var (rules, lookupErrors) = RbacEvaluator.RulesFor(policy(), user, ns);
            errors.AddRange(lookupErrors);
            foreach (var rule in rules)
            {
                var json = rule.ToJson();
                if (rule.Resources.Count > 0)
                {
                    json.Remove("nonResourceURLs");
                    resourceRules.Add(json.DeepClone());
                }
                if (rule.NonResourceUrls.Count > 0)
                {
                    nonResourceRules.Add(new JsonObject { ["verbs"] = json["verbs"]!.DeepClone(), ["nonResourceURLs"] = json["nonResourceURLs"]?.DeepClone() ?? new JsonArray() });
                }
            }
        }
        var status = new JsonObject
        {
            ["resourceRules"] = resourceRules,
            ["nonResourceRules"] = nonResourceRules,
            ["incomplete"] = errors.Count > 0,
        };
        if (errors.Count > 0)
        {
            status["evaluationError"] = errors.Count == 1 ? errors[0] : "[" + string.Join(", ", errors) + "]";
        }
        return Review("SelfSubjectRulesReview", spec, status);
    }

    private static JsonObject Review(string kind, JsonObject spec, JsonObject status) => new()
    {
        ["kind"] = kind,
        ["apiVersion"] = "authorization.k8s.io/v1",
        ["metadata"] = new JsonObject { ["creationTimestamp"] = null },
        ["spec"] = spec.DeepClone(),
        ["status"] = status,
    };

    private static string Text(JsonObject o, string name) => JsonText.GetString(o, name) ?? "";

    private static string? Optional(JsonObject o, string name) => JsonText.GetString(o, name) is { Length: > 0 } s ? s : null;
}
