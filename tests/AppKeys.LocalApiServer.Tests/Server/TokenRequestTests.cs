using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Tests.Authorization;
using AppKeys.LocalApiServer.Tests.Cli;
using AppKeys.LocalApiServer.Tests.Support;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;

namespace AppKeys.LocalApiServer.Tests.Server;

/// <summary>
/// POST <c>serviceaccounts/&lt;name&gt;/token</c> (TokenRequest): a token of the service account that this server
/// accepts until it expires, and only for its own audience.
/// </summary>
public sealed class TokenRequestTests : IAsyncLifetime
{
    private readonly FakeTimeProvider time = new(DateTimeOffset.UtcNow);
    private LocalKubernetesApiServer server = null!;
    private HttpClient admin = null!;

    public async Task InitializeAsync()
    {
        server = await LocalKubernetesApiServer.StartAsync(new LocalApiServerOptions { Time = time });
        admin = TrustingHttpClient.Create(server, server.AdminToken);
        await SendAsync(admin, HttpMethod.Post, "/api/v1/namespaces/default/serviceaccounts", """{"metadata":{"name":"sa"}}""");
    }

    public async Task DisposeAsync()
    {
        admin.Dispose();
        await server.DisposeAsync();
    }

    private static async Task<(int Code, JsonNode? Body)> SendAsync(HttpClient http, HttpMethod method, string path, string? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.StartsWith('{') ? JsonNode.Parse(text) : null);
    }

    private async Task<int> ListWithAsync(string token)
    {
        using var http = TrustingHttpClient.Create(server, token);
        return (await SendAsync(http, HttpMethod.Get, "/api/v1/namespaces/default/configmaps")).Code;
    }

    [Fact]
    public async Task Token_authenticates_as_the_service_account_until_it_expires()
    {
        var (code, body) = await SendAsync(admin, HttpMethod.Post, "/api/v1/namespaces/default/serviceaccounts/sa/token",
            """{"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","spec":{}}""");
        Assert.Equal(201, code);
        var now = time.GetUtcNow();
        Assert.Equal("TokenRequest", (string?)body!["kind"]);
        Assert.Equal("authentication.k8s.io/v1", (string?)body["apiVersion"]);
        Assert.Equal("sa", (string?)body["metadata"]!["name"]);
        Assert.Equal("default", (string?)body["metadata"]!["namespace"]);
        Assert.Equal("""{"audiences":["https://kubernetes.default.svc.cluster.local"],"expirationSeconds":3600,"boundObjectRef":null}""", body["spec"]!.ToJsonString());
        var expires = DateTimeOffset.Parse((string)body["status"]!["expirationTimestamp"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expires - now, TimeSpan.FromSeconds(3599), TimeSpan.FromSeconds(3600));
        var token = (string)body["status"]!["token"]!;

        Assert.Equal(200, await ListWithAsync(token));
        time.Advance(TimeSpan.FromSeconds(3590));
        Assert.Equal(200, await ListWithAsync(token));
        time.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal(401, await ListWithAsync(token));
    }

    [Fact]
    public async Task Tokens_and_their_expiry_survive_a_restart()
    {
        var dir = Path.Combine(Path.GetTempPath(), "appkeys-token-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var server = await LocalKubernetesApiServer.StartAsync(new LocalApiServerOptions { Time = time, DataDirectory = dir });
            using var admin = TrustingHttpClient.Create(server, server.AdminToken);
            await SendAsync(admin, HttpMethod.Post, "/api/v1/namespaces/default/serviceaccounts", """{"metadata":{"name":"sa"}}""");
            var (_, body) = await SendAsync(admin, HttpMethod.Post, "/api/v1/namespaces/default/serviceaccounts/sa/token", """{"spec":{"expirationSeconds":900}}""");
            var token = (string)body!["status"]!["token"]!;
            Assert.DoesNotContain(token, await File.ReadAllTextAsync(Path.Combine(dir, "tokens.json")), StringComparison.Ordinal);

            await server.RestartAsync();
            using var http = TrustingHttpClient.Create(server, token);
            Assert.Equal(200, (await SendAsync(http, HttpMethod.Get, "/api/v1/namespaces/default/configmaps")).Code);
            time.Advance(TimeSpan.FromSeconds(901));
            await server.RestartAsync();
            Assert.Equal(401, (await SendAsync(http, HttpMethod.Get, "/api/v1/namespaces/default/configmaps")).Code);
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, true);
            }
        }
    }

    [Fact]
    public async Task Token_review_reports_an_expired_token_with_kubes_error()
    {
        var (_, body) = await SendAsync(admin, HttpMethod.Post, "/api/v1/namespaces/default/serviceaccounts/sa/token", """{"spec":{"expirationSeconds":600}}""");
        var token = (string)body!["status"]!["token"]!;
        var review = $$$"""{"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":"{{{token}}}"}}""";

        var (code, answer) = await SendAsync(admin, HttpMethod.Post, "/apis/authentication.k8s.io/v1/tokenreviews", review);
        Assert.Equal(201, code);
        Assert.True((bool)answer!["status"]!["authenticated"]!);

        time.Advance(TimeSpan.FromSeconds(601));
        (code, answer) = await SendAsync(admin, HttpMethod.Post, "/apis/authentication.k8s.io/v1/tokenreviews", review);
        Assert.Equal(201, code);
        Assert.Equal("""{"user":{},"error":"service account token has expired"}""", answer!["status"]!.ToJsonString());
    }

    [Fact]
    public async Task Expiration_seconds_is_honoured_and_checked()
    {
        var (code, body) = await SendAsync(admin, HttpMethod.Post, "/api/v1/namespaces/default/serviceaccounts/sa/token",
            """{"spec":{"expirationSeconds":600}}""");
        Assert.Equal(201, code);
        Assert.Equal(600, (long)body!["spec"]!["expirationSeconds"]!);
        var token = (string)body["status"]!["token"]!;
        time.Advance(TimeSpan.FromSeconds(601));
        Assert.Equal(401, await ListWithAsync(token));

        (code, body) = await SendAsync(admin, HttpMethod.Post, "/api/v1/namespaces/default/serviceaccounts/sa/token",
            """{"spec":{"expirationSeconds":60}}""");
        Assert.Equal(422, code);
        Assert.Equal("""TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes""",
            (string?)body!["message"]);
    }

    [Fact]
    public async Task Missing_service_account_other_audiences_and_methods()
    {
        var (code, body) = await SendAsync(admin, HttpMethod.Post, "/api/v1/namespaces/default/serviceaccounts/none/token", """{"spec":{}}""");
        Assert.Equal(404, code);
        Assert.Equal("serviceaccounts \"none\" not found", (string?)body!["message"]);

        // A token for another audience is not one this server accepts.
        (code, body) = await SendAsync(admin, HttpMethod.Post, "/api/v1/namespaces/default/serviceaccounts/sa/token", """{"spec":{"audiences":["vault"]}}""");
        Assert.Equal(201, code);
        Assert.Equal("""["vault"]""", body!["spec"]!["audiences"]!.ToJsonString());
        Assert.Equal(401, await ListWithAsync((string)body["status"]!["token"]!));

        (code, _) = await SendAsync(admin, HttpMethod.Get, "/api/v1/namespaces/default/serviceaccounts/sa/token");
        Assert.Equal(405, code);
        (code, _) = await SendAsync(admin, HttpMethod.Post, "/api/v1/namespaces/default/configmaps/c/token", "{}");
        Assert.Equal(404, code);
    }
}

/// <summary><c>kubectl create token</c> (a protobuf TokenRequest) and RBAC on <c>serviceaccounts/token</c>.</summary>
public sealed class KubectlCreateTokenTests(KubectlFixture fx) : IClassFixture<KubectlFixture>
{
    [Fact]
    public async Task Create_token_prints_a_token_that_authenticates()
    {
        var ns = await fx.NewNamespaceAsync();
        await fx.OkAsync("create", "serviceaccount", "robot", "-n", ns);
        var run = await fx.Kubectl.RunAsync("create", "token", "robot", "-n", ns, "--duration=20m", "-v=8");
        Assert.True(run.ExitCode == 0, run.ToString());
        // kubectl's typed client sends the TokenRequest as protobuf.
        // (Not Assert.Contains: its failure text would print the -v=8 log, which holds the token.)
        Assert.True(run.StdErr.Contains("Content-Type: application/vnd.kubernetes.protobuf", StringComparison.Ordinal), "kubectl sent no protobuf TokenRequest");
        var token = run.StdOut.Trim();
        Assert.Matches("^[0-9a-f]{64}$", token);
        using var http = TrustingHttpClient.Create(fx.Api.Server, token);
        using var response = await http.GetAsync($"/api/v1/namespaces/{ns}/serviceaccounts/robot");
        Assert.Equal(200, (int)response.StatusCode);

        var short_ = await fx.FailAsync("create", "token", "robot", "-n", ns, "--duration=5m");
        Assert.Contains("may not specify a duration less than 10 minutes", short_.StdErr, StringComparison.Ordinal);
        var missing = await fx.FailAsync("create", "token", "ghost", "-n", ns);
        Assert.Contains("serviceaccounts \"ghost\" not found", missing.StdErr, StringComparison.Ordinal);
    }
}

public sealed class TokenRequestRbacTests(RbacServerFixture fx) : IClassFixture<RbacServerFixture>
{
    [Fact]
    public async Task Token_requests_are_authorized_as_create_serviceaccounts_token()
    {
        var ns = await fx.Admin.NewNamespaceAsync();
        await fx.Admin.Client.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new() { Name = "robot" } }, ns);
        await OwnerReferencesAdmissionTests.GrantAsync(fx, ns, new V1PolicyRule { ApiGroups = [""], Resources = ["serviceaccounts"], Verbs = ["create", "get"] });
        using var http = fx.HttpFor($"system:serviceaccount:{ns}:sa");
        using var content = new StringContent("""{"spec":{}}""");
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var denied = await http.PostAsync($"/api/v1/namespaces/{ns}/serviceaccounts/robot/token", content);
        Assert.Equal(403, (int)denied.StatusCode);
        Assert.Equal($"serviceaccounts \"robot\" is forbidden: User \"system:serviceaccount:{ns}:sa\" cannot create resource \"serviceaccounts/token\" in API group \"\" in the namespace \"{ns}\"",
            (string?)JsonNode.Parse(await denied.Content.ReadAsStringAsync())!["message"]);

        // Allowed on the subresource: the token is robot's (its requests are decided as robot's).
        await fx.Admin.Client.RbacAuthorizationV1.PatchNamespacedRoleAsync(new V1Patch(
            """{"rules":[{"apiGroups":[""],"resources":["serviceaccounts/token"],"verbs":["create"]}]}""", V1Patch.PatchType.MergePatch), "writer", ns);
        string? token = null;
        await ApiServerFixture.EventuallyAsync(async () =>
        {
            using var c = new StringContent("""{"spec":{}}""");
            c.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var created = await http.PostAsync($"/api/v1/namespaces/{ns}/serviceaccounts/robot/token", c);
            if ((int)created.StatusCode != 201)
            {
                return false;
            }
            token = (string?)JsonNode.Parse(await created.Content.ReadAsStringAsync())!["status"]!["token"];
            return true;
        }, "token request allowed");
        using var robot = fx.Admin.CreateHttpClient(token);
        using var asRobot = await robot.GetAsync($"/api/v1/namespaces/{ns}/configmaps");
        Assert.Equal(403, (int)asRobot.StatusCode);
        Assert.Contains($"User \"system:serviceaccount:{ns}:robot\" cannot list resource \"configmaps\"",
            (string?)JsonNode.Parse(await asRobot.Content.ReadAsStringAsync())!["message"], StringComparison.Ordinal);
    }
}
