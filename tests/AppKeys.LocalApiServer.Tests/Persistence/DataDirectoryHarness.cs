using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Objects;
using AppKeys.LocalApiServer.Tests.Support;

namespace AppKeys.LocalApiServer.Tests.Persistence;

/// <summary>A temporary data directory, the server running on it, and clients that trust its (persisted) CA.</summary>
internal sealed class DataDirectoryHarness : IAsyncDisposable
{
    public DataDirectoryHarness() => Directory = System.IO.Directory.CreateTempSubdirectory("appkeys-persist-").FullName;

    public string Directory { get; }

    public LocalKubernetesApiServer Server { get; private set; } = null!;

    public LocalApiServerOptions Options(int compactAfter = 10_000) => new()
    {
        DataDirectory = Directory,
        EventWindow = 100,
        JournalCompactionEntries = compactAfter,
        WatchBookmarkInterval = TimeSpan.FromSeconds(30),
    };

    public async Task<LocalKubernetesApiServer> StartAsync(LocalApiServerOptions? options = null)
    {
        Server = await LocalKubernetesApiServer.StartAsync(options ?? Options());
        return Server;
    }

    /// <summary>Stops the server as a process exit would (journal flushed and closed) and starts a new one on the same directory.</summary>
    public async Task<LocalKubernetesApiServer> StopAndStartAsync(LocalApiServerOptions? options = null)
    {
        await Server.DisposeAsync();
        return await StartAsync(options);
    }

    public HttpClient Http(string? token = null) => TrustingHttpClient.Create(Server, token ?? Server.AdminToken);

    public static async Task<(int Code, JsonNode? Body)> SendAsync(HttpClient http, HttpMethod method, string path, string? body = null,
        string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.StartsWith('{') ? JsonNode.Parse(text) : null);
    }

    public static async Task<JsonNode> OkAsync(HttpClient http, HttpMethod method, string path, string? body = null,
        string contentType = "application/json")
    {
        var (code, json) = await SendAsync(http, method, path, body, contentType);
        Assert.True(code is >= 200 and < 300, $"{method} {path}: {code} {json?.ToJsonString()}");
        return json!;
    }

    /// <summary>Every stored object (storage, key → compact JSON): equal dumps mean nothing was lost or changed.</summary>
    public SortedDictionary<string, string> Dump()
    {
        var store = Server.Service.Store;
        lock (store.Gate)
        {
            var dump = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var (storage, obj) in store.AllObjects())
            {
                dump[$"{storage} {ObjectMeta.Namespace(obj)}/{ObjectMeta.Name(obj)}"] = JsonText.Serialize(obj);
            }
            return dump;
        }
    }

    public static long Rv(JsonNode obj) => long.Parse(obj["metadata"]!["resourceVersion"]!.GetValue<string>(), CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Reclaimed with the temp folder.
        }
    }
}
