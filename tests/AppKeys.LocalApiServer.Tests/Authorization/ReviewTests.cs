using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Protobuf;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace AppKeys.LocalApiServer.Tests.Authorization;

/// <summary>
/// TokenReview and SubjectAccessReview (and SelfSubjectReview) as kube-apiserver 1.32 answers them, through
/// KubernetesClient and kubectl: create-only, never stored, authorized by <c>create</c> on the review resource
/// (the bootstrap <c>system:auth-delegator</c> ClusterRole grants both).
/// </summary>
public sealed class ReviewTests(RbacServerFixture fx) : IClassFixture<RbacServerFixture>
{
    private const string ApiAudience = "https://kubernetes.default.svc.cluster.local";

    private async Task<(string Ns, string User, string Uid)> NewServiceAccountAsync()
    {
        var ns = await fx.Admin.NewNamespaceAsync();
        var sa = await fx.Admin.Client.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new() { Name = "sa" } }, ns);
        return (ns, $"system:serviceaccount:{ns}:sa", sa.Metadata.Uid);
    }

    private async Task<string> TokenAsync(string ns, params string[] audiences)
    {
        var request = await fx.Admin.Client.CoreV1.CreateNamespacedServiceAccountTokenAsync(
            new Authenticationv1TokenRequest { Spec = new V1TokenRequestSpec { Audiences = audiences.Length == 0 ? null : audiences } }, "sa", ns);
        return request.Status.Token;
    }

    private Task<V1TokenReview> ReviewAsync(string token, params string[] audiences) =>
        fx.Admin.Client.AuthenticationV1.CreateTokenReviewAsync(new V1TokenReview
        {
            Spec = new V1TokenReviewSpec { Token = token, Audiences = audiences.Length == 0 ? null : audiences },
        });

    [Fact]
    public async Task Token_review_authenticates_service_account_tokens_for_their_audiences()
    {
        var (ns, user, uid) = await NewServiceAccountAsync();

        var review = await ReviewAsync(await TokenAsync(ns));
        Assert.True(review.Status.Authenticated);
        Assert.Equal(user, review.Status.User.Username);
        Assert.Equal(uid, review.Status.User.Uid);
        Assert.Equal(["system:serviceaccounts", $"system:serviceaccounts:{ns}", "system:authenticated"], review.Status.User.Groups);
        var credential = Assert.Single(review.Status.User.Extra["authentication.kubernetes.io/credential-id"]);
        Assert.Matches("^JTI=[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", credential);
        Assert.Equal([ApiAudience], review.Status.Audiences);
        Assert.Null(review.Status.Error);

        // A token for another audience: rejected for the server's audience with kube's error, accepted for its own.
        var vault = await TokenAsync(ns, "vault");
        var wrong = await ReviewAsync(vault);
        Assert.NotEqual(true, wrong.Status.Authenticated);
        Assert.Null(wrong.Status.User.Username);
        Assert.Equal($"token audiences [\"vault\"] is invalid for the target audiences [\"{ApiAudience}\"]", wrong.Status.Error);
        var right = await ReviewAsync(vault, "other", "vault");
        Assert.True(right.Status.Authenticated);
        Assert.Equal(["vault"], right.Status.Audiences);
        Assert.Equal(user, right.Status.User.Username);
    }

    [Fact]
    public async Task Token_review_of_static_and_unknown_tokens()
    {
        var token = fx.Admin.Server.IssueToken("alice", ["devs"]);
        var review = await ReviewAsync(token);
        Assert.True(review.Status.Authenticated);
        Assert.Equal("alice", review.Status.User.Username);
        Assert.Equal(["devs", "system:authenticated"], review.Status.User.Groups);
        Assert.Null(review.Status.User.Uid);
        Assert.Equal([ApiAudience], review.Status.Audiences);

        // Static tokens are audience-agnostic: only valid for the server's own audience, and no error otherwise.
        var other = await ReviewAsync(token, "vault");
        Assert.NotEqual(true, other.Status.Authenticated);
        Assert.Null(other.Status.Error);

        var (code, body, _) = await fx.Admin.SendAsync(HttpMethod.Post, "/apis/authentication.k8s.io/v1/tokenreviews",
            """{"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":"not-a-token"}}""");
        Assert.Equal(201, code);
        Assert.Equal("""{"kind":"TokenReview","apiVersion":"authentication.k8s.io/v1","metadata":{"creationTimestamp":null},"spec":{"token":"not-a-token"},"status":{"user":{}}}""",
            body!.ToJsonString());

        (code, body, _) = await fx.Admin.SendAsync(HttpMethod.Post, "/apis/authentication.k8s.io/v1/tokenreviews", """{"spec":{}}""");
        Assert.Equal(400, code);
        Assert.Equal("token is required for TokenReview in authentication", body!["message"]!.GetValue<string>());

        // Never stored: there is nothing to get or list.
        (code, _, _) = await fx.Admin.SendAsync(HttpMethod.Get, "/apis/authentication.k8s.io/v1/tokenreviews");
        Assert.Equal(405, code);
    }

    [Fact]
    public async Task Reviews_need_create_on_their_resource_which_auth_delegator_grants()
    {
        var (ns, user, _) = await NewServiceAccountAsync();
        using var client = fx.ClientFor(user);

        var token = await Assert.ThrowsAsync<HttpOperationException>(() => client.AuthenticationV1.CreateTokenReviewAsync(
            new V1TokenReview { Spec = new V1TokenReviewSpec { Token = "x" } }));
        Assert.Equal(403, (int)token.Response.StatusCode);
        Assert.Equal($"tokenreviews.authentication.k8s.io is forbidden: User \"{user}\" cannot create resource \"tokenreviews\" in API group \"authentication.k8s.io\" at the cluster scope",
            JsonNode.Parse(token.Response.Content)!["message"]!.GetValue<string>());
        var access = await Assert.ThrowsAsync<HttpOperationException>(() => client.AuthorizationV1.CreateSubjectAccessReviewAsync(new V1SubjectAccessReview
        {
            Spec = new V1SubjectAccessReviewSpec { User = "bob", NonResourceAttributes = new V1NonResourceAttributes { Path = "/healthz", Verb = "get" } },
        }));
        Assert.Equal(403, (int)access.Response.StatusCode);

        await fx.Admin.Client.RbacAuthorizationV1.CreateClusterRoleBindingAsync(new V1ClusterRoleBinding
        {
            Metadata = new() { Name = $"delegator-{ns}" },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = "system:auth-delegator" },
            Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = "sa", NamespaceProperty = ns }],
        });
        var self = await client.AuthenticationV1.CreateTokenReviewAsync(new V1TokenReview { Spec = new V1TokenReviewSpec { Token = fx.Admin.Server.IssueToken("carol") } });
        Assert.Equal("carol", self.Status.User.Username);
        var allowed = await client.AuthorizationV1.CreateSubjectAccessReviewAsync(new V1SubjectAccessReview
        {
            Spec = new V1SubjectAccessReviewSpec { User = "bob", Groups = ["system:authenticated"], NonResourceAttributes = new V1NonResourceAttributes { Path = "/healthz", Verb = "get" } },
        });
        Assert.True(allowed.Status.Allowed);
    }

    [Fact]
    public async Task Subject_access_review_evaluates_the_given_subject_with_rbac()
    {
        var (ns, user, _) = await NewServiceAccountAsync();
        V1SubjectAccessReview Review(string verb, string resource, string? group = null) => new()
        {
            Spec = new V1SubjectAccessReviewSpec
            {
                User = user,
                Groups = group is null ? ["system:serviceaccounts", $"system:serviceaccounts:{ns}", "system:authenticated"] : [group],
                ResourceAttributes = new V1ResourceAttributes { NamespaceProperty = ns, Verb = verb, Resource = resource },
            },
        };

        var no = await fx.Admin.Client.AuthorizationV1.CreateSubjectAccessReviewAsync(Review("create", "secrets"));
        Assert.False(no.Status.Allowed);
        Assert.NotEqual(true, no.Status.Denied);
        Assert.Null(no.Status.Reason);
        Assert.Equal(user, no.Spec.User);

        await fx.Admin.Client.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(new V1RoleBinding
        {
            Metadata = new() { Name = "editor" },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = "edit" },
            Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = "sa", NamespaceProperty = ns }],
        }, ns);
        var yes = await fx.Admin.Client.AuthorizationV1.CreateSubjectAccessReviewAsync(Review("create", "secrets"));
        Assert.True(yes.Status.Allowed);
        Assert.Equal($"RBAC: allowed by RoleBinding \"editor/{ns}\" of ClusterRole \"edit\" to ServiceAccount \"sa/{ns}\"", yes.Status.Reason);

        // The groups are exactly those given: system:masters is allowed everything (no reason), as kube's privileged-groups authorizer.
        var masters = await fx.Admin.Client.AuthorizationV1.CreateSubjectAccessReviewAsync(Review("delete", "namespaces", "system:masters"));
        Assert.True(masters.Status.Allowed);
        Assert.Null(masters.Status.Reason);

        var path = await fx.Admin.Client.AuthorizationV1.CreateSubjectAccessReviewAsync(new V1SubjectAccessReview
        {
            Spec = new V1SubjectAccessReviewSpec { Groups = ["system:authenticated"], NonResourceAttributes = new V1NonResourceAttributes { Path = "/apis", Verb = "get" } },
        });
        Assert.True(path.Status.Allowed);
        Assert.Equal("RBAC: allowed by ClusterRoleBinding \"system:discovery\" of ClusterRole \"system:discovery\" to Group \"system:authenticated\"", path.Status.Reason);

        var (code, body, _) = await fx.Admin.SendAsync(HttpMethod.Post, "/apis/authorization.k8s.io/v1/subjectaccessreviews",
            """{"spec":{"resourceAttributes":{"verb":"get","resource":"pods"}}}""");
        Assert.Equal(422, code);
        Assert.Equal("SubjectAccessReview.authorization.k8s.io \"\" is invalid: spec.user: Invalid value: \"\": at least one of user or group must be specified",
            body!["message"]!.GetValue<string>());
        (code, body, _) = await fx.Admin.SendAsync(HttpMethod.Post, "/apis/authorization.k8s.io/v1/subjectaccessreviews", """{"spec":{"user":"x"}}""");
        Assert.Equal(422, code);
        Assert.Equal("SubjectAccessReview.authorization.k8s.io \"\" is invalid: spec.resourceAttributes: Invalid value: \"null\": exactly one of nonResourceAttributes or resourceAttributes must be specified",
            body!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Protobuf_bodies_of_subject_access_and_token_reviews_are_decoded()
    {
        // k8s.io/api generated.proto: runtime.Unknown{2 raw}; Review{2 spec}; SubjectAccessReviewSpec{2 nonResourceAttributes, 3 user, 4 groups, 5 extra, 6 uid}.
        static byte[] Envelope(ProtoWriter spec) =>
            [.. "k8s\0"u8, .. new ProtoWriter().Message(2, new ProtoWriter().Message(2, spec)).ToArray()];
        var sar = new ProtoWriter()
            .Message(2, new ProtoWriter().String(1, "/apis").String(2, "get"))
            .String(3, "dave")
            .String(4, "team")
            .String(4, "system:authenticated")
            .Message(5, new ProtoWriter().String(1, "scopes").Message(2, new ProtoWriter().String(1, "a").String(1, "b")))
            .String(6, "u-1");
        using var http = fx.Admin.CreateHttpClient(fx.Admin.Server.AdminToken);
        using var content = new ByteArrayContent(Envelope(sar));
        content.Headers.ContentType = new("application/vnd.kubernetes.protobuf");
        using var response = await http.PostAsync(new Uri("/apis/authorization.k8s.io/v1/subjectaccessreviews", UriKind.Relative), content);
        Assert.Equal(201, (int)response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("""{"nonResourceAttributes":{"path":"/apis","verb":"get"},"user":"dave","uid":"u-1","groups":["team","system:authenticated"],"extra":{"scopes":["a","b"]}}""",
            body["spec"]!.ToJsonString());
        Assert.True(body["status"]!["allowed"]!.GetValue<bool>());

        var token = fx.Admin.Server.IssueToken("erin");
        using var tokenContent = new ByteArrayContent(Envelope(new ProtoWriter().String(1, token).String(2, ApiAudience)));
        tokenContent.Headers.ContentType = new("application/vnd.kubernetes.protobuf");
        using var tokenResponse = await http.PostAsync(new Uri("/apis/authentication.k8s.io/v1/tokenreviews", UriKind.Relative), tokenContent);
        Assert.Equal(201, (int)tokenResponse.StatusCode);
        Assert.Equal("erin", JsonNode.Parse(await tokenResponse.Content.ReadAsStringAsync())!["status"]!["user"]!["username"]!.GetValue<string>());
    }

    [Fact]
    public async Task Kubectl_creates_reviews_from_files_and_lists_them_as_api_resources()
    {
        var (ns, user, _) = await NewServiceAccountAsync();
        var dir = Directory.CreateTempSubdirectory("appkeys-review-").FullName;
        try
        {
            var sar = Path.Combine(dir, "sar.yaml");
            await File.WriteAllTextAsync(sar, $"""
                apiVersion: authorization.k8s.io/v1
                kind: SubjectAccessReview
                spec:
                  user: {user}
                  groups: [system:authenticated]
                  resourceAttributes:
                    namespace: {ns}
                    verb: list
                    resource: configmaps
                """);
            var (exit, stdout, stderr) = await Kubectl.RunOnceAsync(fx.Admin.KubeconfigPath, "create", "-f", sar, "-o", "json");
            Assert.True(exit == 0, $"exit {exit}: {stdout} {stderr}");
            var created = JsonNode.Parse(stdout)!;
            Assert.Equal("SubjectAccessReview", created["kind"]!.GetValue<string>());
            Assert.False(created["status"]!["allowed"]!.GetValue<bool>());

            // The fix for "failed to download openapi": kubectl validates create-only kinds against /openapi/v2.
            var ssrr = Path.Combine(dir, "ssrr.yaml");
            await File.WriteAllTextAsync(ssrr, $"""
                apiVersion: authorization.k8s.io/v1
                kind: SelfSubjectRulesReview
                spec:
                  namespace: {ns}
                """);
            (exit, stdout, stderr) = await Kubectl.RunOnceAsync(fx.Admin.KubeconfigPath, "create", "-f", ssrr, "-o", "json");
            Assert.True(exit == 0, $"exit {exit}: {stdout} {stderr}");
            Assert.Contains("*", JsonNode.Parse(stdout)!["status"]!["resourceRules"]![0]!["verbs"]!.AsArray().Select(v => v!.GetValue<string>()));

            // ... and a misspelt field is caught as it is against a cluster (client-side, strict by default).
            var typo = Path.Combine(dir, "typo.yaml");
            await File.WriteAllTextAsync(typo, "apiVersion: authorization.k8s.io/v1\nkind: SelfSubjectRulesReview\nspec:\n  namespaces: x\n");
            (exit, _, stderr) = await Kubectl.RunOnceAsync(fx.Admin.KubeconfigPath, "create", "-f", typo);
            Assert.NotEqual(0, exit);
            Assert.True(stderr.Contains("unknown field \"namespaces\" in io.k8s.api.authorization.v1.SelfSubjectRulesReview.spec", StringComparison.Ordinal), stderr);

            (exit, stdout, stderr) = await Kubectl.RunOnceAsync(fx.Admin.KubeconfigPath, "api-resources", "--api-group=authentication.k8s.io", "-o", "name");
            Assert.True(exit == 0, stderr);
            Assert.Equal(["selfsubjectreviews.authentication.k8s.io", "tokenreviews.authentication.k8s.io"],
                stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
            (exit, stdout, _) = await Kubectl.RunOnceAsync(fx.Admin.KubeconfigPath, "api-resources", "--api-group=authorization.k8s.io", "-o", "name");
            Assert.Equal(0, exit);
            Assert.Contains("subjectaccessreviews.authorization.k8s.io", stdout, StringComparison.Ordinal);

            (exit, stdout, stderr) = await Kubectl.RunOnceAsync(fx.KubeconfigFor(user), "auth", "whoami", "-o", "json");
            Assert.True(exit == 0, $"exit {exit}: {stdout} {stderr}");
            Assert.Equal(user, JsonNode.Parse(stdout)!["status"]!["userInfo"]!["username"]!.GetValue<string>());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Kubectl_auth_can_i_as_a_user_answers_for_that_user()
    {
        var (ns, user, _) = await NewServiceAccountAsync();
        var (exit, stdout, _) = await Kubectl.RunOnceAsync(fx.Admin.KubeconfigPath, "auth", "can-i", "list", "configmaps", "-n", ns, $"--as={user}");
        Assert.Equal(1, exit);
        Assert.StartsWith("no", stdout.Trim(), StringComparison.Ordinal);
        (exit, stdout, _) = await Kubectl.RunOnceAsync(fx.Admin.KubeconfigPath, "auth", "can-i", "list", "configmaps", "-n", ns, $"--as={user}", "--as-group=system:masters");
        Assert.Equal(0, exit);
        Assert.Equal("yes", stdout.Trim());
    }
}
