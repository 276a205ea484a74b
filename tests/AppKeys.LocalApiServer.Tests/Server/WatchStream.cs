using System.Text.Json.Nodes;

namespace AppKeys.LocalApiServer.Tests.Server;

/// <summary>Reads a raw watch stream line by line.</summary>
public sealed class WatchStream : IAsyncDisposable
{
    private readonly HttpResponseMessage response;
    private readonly StreamReader reader;

    private WatchStream(HttpResponseMessage response, StreamReader reader)
    {
        this.response = response;
        this.reader = reader;
    }

    public int StatusCode => (int)response.StatusCode;

    public HttpResponseMessage Response => response;

    public static async Task<WatchStream> OpenAsync(HttpClient http, string path, string? accept = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        return new WatchStream(response, reader);
    }

    /// <summary>The next event, or null at end of stream; fails after a generous deadline.</summary>
    public async Task<JsonObject?> NextAsync(int seconds = 20)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        string? line;
        try
        {
            line = await reader.ReadLineAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail("timed out waiting for a watch event");
            return null;
        }
        return line is null ? null : (JsonObject)JsonNode.Parse(line)!;
    }

    /// <summary>Next event that is not a BOOKMARK.</summary>
    public async Task<JsonObject?> NextNonBookmarkAsync(int seconds = 20)
    {
        while (true)
        {
            var e = await NextAsync(seconds);
            if (e is null || e["type"]!.GetValue<string>() != "BOOKMARK")
            {
                return e;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        reader.Dispose();
        response.Dispose();
        await Task.CompletedTask;
    }
}
