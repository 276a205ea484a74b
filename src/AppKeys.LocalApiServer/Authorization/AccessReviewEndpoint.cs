using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Authentication;
using AppKeys.LocalApiServer.Errors;
using AppKeys.LocalApiServer.GoCompat;
using AppKeys.LocalApiServer.Http;
using AppKeys.LocalApiServer.Model;
using AppKeys.LocalApiServer.Objects;
using AppKeys.LocalApiServer.Registry;
using Microsoft.AspNetCore.Http;

namespace AppKeys.LocalApiServer.Authorization;

/// <summary>
/// The create-only reviews (pkg/registry/authorization and pkg/registry/authentication): answered (201) and never
/// stored. <c>authorization.k8s.io/v1</c> <c>selfsubjectaccessreviews</c> (what <c>kubectl auth can-i</c> sends),
/// <c>selfsubjectrulesreviews</c> (<c>kubectl auth can-i --list</c>) and <c>subjectaccessreviews</c> (any user, as
/// an aggregated API server or a webhook asks); <c>authentication.k8s.io/v1</c> <c>tokenreviews</c> (a bearer token
/// checked by this server's own authenticator) and <c>selfsubjectreviews</c> (<c>kubectl auth whoami</c>). The
/// caller needs <c>create</c> on the review resource, as in kube: that check (and impersonation) goes through
/// <paramref name="callerAuthorizer"/>, which records denials like every other request's; the reviews themselves are
/// answered with the plain <paramref name="authorizer"/> (a "no" in an answer is not a denied request).
/// </summary>
internal sealed class AccessReviewEndpoint(TokenAuthenticator authenticator, IAuthorizer callerAuthorizer, IAuthorizer authorizer, Func<RbacPolicy>? policy, long maxBodyBytes)
{
    public async Task InvokeAsync(HttpContext ctx, RequestDelegate next)
    {
        var path = ctx.Request.Path.Value ?? "";
        var resource = ctx.Request.Method == HttpMethods.Post ? Find(path) : null;
        if (resource is null)
        {
            await next(ctx);
            return;
        }
        try
        {
            var requester = authenticator.Authenticate(ctx.Request.Headers.Authorization.ToString()) ?? throw StatusErrors.Unauthorized();
            var user = Impersonation.Resolve(ctx.Request.Headers, requester, callerAuthorizer, path);
            ctx.Items[UserInfo.HttpContextKey] = user;
            var self = new AuthorizationAttributes(user, "create", true, resource.Group, resource.Version, resource.Plural, null, null, null, path);
            var decision = callerAuthorizer.Authorize(self);
            if (!decision.Allowed)
            {
                throw ForbiddenError.For(self, decision.Reason);
            }
            var bytes = await HttpIo.ReadBodyAsync(ctx, maxBodyBytes);
            var body = HttpIo.MediaType(ctx.Request.ContentType) == "application/vnd.kubernetes.protobuf"
                ? ReviewProtobuf.Decode(bytes, resource.Kind)
                : HttpIo.DecodeObject(ctx, bytes, resource.Kind);
            if (JsonText.GetString(body, "kind") is { Length: > 0 } kind && kind != resource.Kind)
            {
                throw StatusErrors.BadRequest($"the kind in the data ({kind}) does not match the expected kind ({resource.Kind}) for this resource");
            }
            var answer = resource.Kind switch
            {
                "SelfSubjectAccessReview" => AccessReview(resource, user, body),
                "SelfSubjectRulesReview" => RulesReview(user, body),
                "SubjectAccessReview" => AccessReview(resource, SubjectOf(body), body),
                "TokenReview" => TokenReview(body),
                _ => SelfSubjectReview(user),
            };
            await HttpIo.WriteJsonAsync(ctx, 201, answer);
        }
        catch (ApiException ex)
        {
            await HttpIo.WriteErrorAsync(ctx, ex);
        }
    }

    private static ApiResourceInfo? Find(string path) => BuiltInResources.Reviews.FirstOrDefault(r =>
        path.Length == "/apis/".Length + r.GroupVersion.Length + 1 + r.Plural.Length
        && path == $"/apis/{r.GroupVersion}/{r.Plural}");

    /// <summary>
    /// A SubjectAccessReview's subject: exactly the user, groups, uid and extra of its spec (kube's
    /// AuthorizationAttributesFrom adds nothing, not even <c>system:authenticated</c>).
    /// </summary>
    private static UserInfo SubjectOf(JsonObject body)
    {
        var spec = body["spec"] as JsonObject ?? [];
        var groups = spec["groups"] is JsonArray g ? g.Select(JsonText.ScalarString).OfType<string>().ToList() : [];
        Dictionary<string, IReadOnlyList<string>>? extra = null;
        if (spec["extra"] is JsonObject e && e.Count > 0)
        {
            extra = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            foreach (var (key, values) in e)
            {
                extra[key] = values is JsonArray a ? a.Select(JsonText.ScalarString).OfType<string>().ToList() : [];
            }
        }
        return new UserInfo(Text(spec, "user"), groups, Optional(spec, "uid"), extra);
    }

    private JsonObject AccessReview(ApiResourceInfo resource, UserInfo user, JsonObject body)
    {
        var spec = body["spec"] as JsonObject ?? [];
        var resourceAttributes = spec["resourceAttributes"] as JsonObject;
        var nonResourceAttributes = spec["nonResourceAttributes"] as JsonObject;
        var causes = new List<FieldCause>();
        if (resourceAttributes is not null && nonResourceAttributes is not null)
        {
            causes.Add(FieldCause.Invalid("spec.nonResourceAttributes", null,
                $"authorization.NonResourceAttributes{{Path:{GoText.Quote(Text(nonResourceAttributes, "path"))}, Verb:{GoText.Quote(Text(nonResourceAttributes, "verb"))}}}: cannot be specified in combination with resourceAttributes"));
        }
        if (resourceAttributes is null && nonResourceAttributes is null)
        {
            causes.Add(FieldCause.Invalid("spec.resourceAttributes", "null", "exactly one of nonResourceAttributes or resourceAttributes must be specified"));
        }
        if (resource.Kind == "SubjectAccessReview" && user.Name.Length == 0 && user.Groups.Count == 0)
        {
            causes.Add(FieldCause.Invalid("spec.user", "", "at least one of user or group must be specified"));
        }
        if (causes.Count > 0)
        {
            throw StatusErrors.Invalid(resource, "", causes);
        }
        var attributes = resourceAttributes is not null
            ? new AuthorizationAttributes(user, Text(resourceAttributes, "verb"), true, Text(resourceAttributes, "group"),
                Text(resourceAttributes, "version"), Text(resourceAttributes, "resource"), Optional(resourceAttributes, "subresource"),
                Optional(resourceAttributes, "namespace"), Optional(resourceAttributes, "name"), "")
            : new AuthorizationAttributes(user, Text(nonResourceAttributes!, "verb"), false, "", "", "", null, null, null,
                Text(nonResourceAttributes!, "path"));
        var decision = authorizer.Authorize(attributes);
        // SubjectAccessReviewStatus: allowed always, denied/reason only when set (omitempty).
        var status = new JsonObject { ["allowed"] = decision.Allowed };
        if (decision.Denied && !decision.Allowed)
        {
            status["denied"] = true;
        }
        if (!string.IsNullOrEmpty(decision.Reason))
        {
            status["reason"] = decision.Reason;
        }
        return Review(resource, spec, status);
    }

    /// <summary>
    /// pkg/registry/authentication/tokenreview: the token is authenticated for <c>spec.audiences</c> (default: the
    /// server's); the answer echoes the spec and carries authenticated, user, audiences, or the error.
    /// </summary>
    private JsonObject TokenReview(JsonObject body)
    {
        var spec = body["spec"] as JsonObject ?? [];
        var token = Text(spec, "token");
        if (token.Length == 0)
        {
            throw StatusErrors.BadRequest("token is required for TokenReview in authentication");
        }
        var audiences = spec["audiences"] is JsonArray a ? a.Select(JsonText.ScalarString).OfType<string>().ToList() : [];
        var result = authenticator.Review(token, audiences);
        var status = new JsonObject();
        if (result.User is not null)
        {
            status["authenticated"] = true;
        }
        status["user"] = result.User is null ? new JsonObject() : UserJson(result.User, "username");
        if (result.User is not null && result.Audiences.Count > 0)
        {
            status["audiences"] = Strings(result.Audiences);
        }
        if (result.Error is not null)
        {
            status["error"] = result.Error;
        }
        return Review(BuiltInResources.TokenReviews, spec, status);
    }

    /// <summary><c>kubectl auth whoami</c>: the request's own user (pkg/registry/authentication/selfsubjectreview).</summary>
    private static JsonObject SelfSubjectReview(UserInfo user) => new()
    {
        ["kind"] = "SelfSubjectReview",
        ["apiVersion"] = "authentication.k8s.io/v1",
        ["metadata"] = new JsonObject { ["creationTimestamp"] = null },
        ["status"] = new JsonObject { ["userInfo"] = UserJson(user, "username") },
    };

    /// <summary>authentication/v1 UserInfo: every field omitempty.</summary>
    private static JsonObject UserJson(UserInfo user, string nameField)
    {
        var o = new JsonObject();
        if (user.Name.Length > 0)
        {
            o[nameField] = user.Name;
        }
        if (!string.IsNullOrEmpty(user.Uid))
        {
            o["uid"] = user.Uid;
        }
        if (user.Groups.Count > 0)
        {
            o["groups"] = Strings(user.Groups);
        }
        if (user.Extra is { Count: > 0 } extra)
        {
            var e = new JsonObject();
            foreach (var (key, values) in extra.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                e[key] = Strings(values);
            }
            o["extra"] = e;
        }
        return o;
    }

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)v)]);

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
        return Review(BuiltInResources.SelfSubjectRulesReviews, spec, status);
    }

    private static JsonObject Review(ApiResourceInfo resource, JsonObject spec, JsonObject status) => new()
    {
        ["kind"] = resource.Kind,
        ["apiVersion"] = resource.GroupVersion,
        ["metadata"] = new JsonObject { ["creationTimestamp"] = null },
        ["spec"] = spec.DeepClone(),
        ["status"] = status,
    };

    private static string Text(JsonObject o, string name) => JsonText.GetString(o, name) ?? "";

    private static string? Optional(JsonObject o, string name) => JsonText.GetString(o, name) is { Length: > 0 } s ? s : null;
}
