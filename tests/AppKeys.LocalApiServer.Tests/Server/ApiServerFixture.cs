using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Tests.Support;
using k8s;

namespace AppKeys.LocalApiServer.Tests.Server;

/// <summary>One running server per test class, with a KubernetesClient and a raw HttpClient (both trusting its CA).</summary>
public sealed class ApiServerFixture : IAsyncLifetime
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "appkeys-apiserver-tests-" + Guid.NewGuid().ToString("N"));

    public LocalKubernetesApiServer Server { get; private set; } = null!;

    public Kubernetes Client { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public string KubeconfigPath { get; private set; } = null!;

    /// <summary>Options a derived fixture may change before start.</summary>
    public LocalApiServerOptions Options { get; } = new() { EventWindow = 50, WatchBookmarkInterval = TimeSpan.FromMilliseconds(300) };

    public async Task InitializeAsync()
    {
        Server = await LocalKubernetesApiServer.StartAsync(Options);
        KubeconfigPath = Server.WriteKubeconfig(Path.Combine(dir, "kubeconfig"));
        Client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(KubeconfigPath));
        Http = CreateHttpClient(Server.AdminToken);
    }

    public HttpClient CreateHttpClient(string? token) => TrustingHttpClient.Create(Server, token);

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        Client?.Dispose();
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, true);
        }
    }

    /// <summary>Sends a request with a JSON (or raw) body and returns status and parsed body.</summary>
    /// <summary>
    /// Creates a namespaced CRD <c>{plural}.{group}</c> served at v1 in a fresh group and returns the group.
    /// <paramref name="schema"/> is the version's openAPIV3Schema (JSON); preserve-unknown-fields when null.
    /// </summary>
    public async Task<string> CreateCrdAsync(string kind, string? schema = null, bool statusSubresource = false)
    {
        var group = "g" + Guid.NewGuid().ToString("N")[..8] + ".example.com";
        var singular = kind.ToLowerInvariant();
        var plural = singular + "s";
        var version = new JsonObject
        {
            ["name"] = "v1",
            ["served"] = true,
            ["storage"] = true,
            ["schema"] = new JsonObject { ["openAPIV3Schema"] = JsonNode.Parse(schema ?? """{"type":"object","x-kubernetes-preserve-unknown-fields":true}""") },
        };
        if (statusSubresource)
        {
            version["subresources"] = new JsonObject { ["status"] = new JsonObject() };
        }

        var crd = new JsonObject
        {
            ["apiVersion"] = "apiextensions.k8s.io/v1",
            ["kind"] = "CustomResourceDefinition",
            ["metadata"] = new JsonObject { ["name"] = $"{plural}.{group}" },
            ["spec"] = new JsonObject
            {
                ["group"] = group,
                ["scope"] = "Namespaced",
                ["names"] = new JsonObject { ["plural"] = plural, ["singular"] = singular, ["kind"] = kind },
                ["versions"] = new JsonArray(version),
            },
        };
        var (code, body, _) = await SendAsync(HttpMethod.Post, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd.ToJsonString());
        Assert.True(code == 201, body?.ToJsonString());
        return group;
    }

    public async Task<(int Code, JsonNode? Body, HttpResponseMessage Response)> SendAsync(
        HttpMethod method, string path, string? body = null, string contentType = "application/json", string? accept = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }
        var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? parsed = null;
        if (text.Length > 0 && (text[0] == '{' || text[0] == '['))
        {
            parsed = JsonNode.Parse(text);
        }
        return ((int)response.StatusCode, parsed, response);
    }

    /// <summary>Creates a fresh namespace for one test.</summary>
    public async Task<string> NewNamespaceAsync()
    {
        var name = "t-" + Guid.NewGuid().ToString("N")[..10];
        var (code, body, _) = await SendAsync(HttpMethod.Post, "/api/v1/namespaces", $$$"""{"metadata":{"name":"{{{name}}}"}}""");
        Assert.True(code == 201, body?.ToJsonString());
        return name;
    }

    /// <summary>Polls until <paramref name="condition"/> holds or fails after a generous deadline.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return;
            }
            await Task.Delay(50);
        }
        Assert.Fail($"timed out waiting for: {what}");
    }
}
