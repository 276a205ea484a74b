using System.Net;
using System.Text;
using AppKeys.Runtime.Client;
using Microsoft.Extensions.Time.Testing;

namespace AppKeys.Runtime.Tests.Client;

public class RateLimitingHandlerTests
{
    private readonly FakeTimeProvider time = new();

    [Fact]
    public async Task Retries_429_after_retry_after_with_the_same_body_and_gives_up_after_max_retries()
    {
        var inner = new Recorder(_ => new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Headers = { RetryAfter = new(TimeSpan.FromSeconds(2)) } });
        using var invoker = new HttpMessageInvoker(new RateLimitingHandler(new ClientRateLimitOptions { MaxRetries = 2 }, time) { InnerHandler = inner });
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://localhost/api/v1/namespaces/ns/configmaps") { Content = new StringContent("{\"a\":1}", Encoding.UTF8, "application/json") };

        var send = invoker.SendAsync(request, CancellationToken.None);
        await Eventually.TrueAsync(() => inner.Bodies.Count == 1, "the first attempt is sent");
        var first = time.GetUtcNow();
        await Eventually.TrueAsync(() => { time.Advance(TimeSpan.FromMilliseconds(100)); return inner.Bodies.Count == 2; }, "the retry is sent after Retry-After");
        Assert.True(time.GetUtcNow() - first >= TimeSpan.FromSeconds(2), "the retry waited for Retry-After");
        await Eventually.TrueAsync(() => { time.Advance(TimeSpan.FromMilliseconds(100)); return send.IsCompleted; }, "the last retry completes");
        using var response = await send;

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(["{\"a\":1}", "{\"a\":1}", "{\"a\":1}"], inner.Bodies);
        Assert.All(inner.ContentTypes, t => Assert.Equal("application/json; charset=utf-8", t));
    }

    [Fact]
    public async Task Requests_beyond_the_burst_wait_for_a_token()
    {
        var inner = new Recorder(_ => new HttpResponseMessage(HttpStatusCode.OK));
        using var invoker = new HttpMessageInvoker(new RateLimitingHandler(new ClientRateLimitOptions { Qps = 1, Burst = 2 }, time) { InnerHandler = inner });
        for (var i = 0; i < 2; i++)
        {
            using var r = await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://localhost/api"), CancellationToken.None);
        }

        var start = time.GetUtcNow();
        var third = invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://localhost/api"), CancellationToken.None);
        await Eventually.TrueAsync(() => { time.Advance(TimeSpan.FromMilliseconds(100)); return third.IsCompleted; }, "the third request gets a token");
        Assert.True(time.GetUtcNow() - start >= TimeSpan.FromSeconds(1), "the third request waited for a token");
        using var response = await third;
        Assert.Equal(3, inner.Bodies.Count);
    }

    private sealed class Recorder(Func<HttpRequestMessage, HttpResponseMessage> respond) : HttpMessageHandler
    {
        public List<string> Bodies { get; } = [];

        public List<string?> ContentTypes { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
            lock (Bodies)
            {
                Bodies.Add(body);
                ContentTypes.Add(request.Content?.Headers.ContentType?.ToString());
            }

            return respond(request);
        }
    }
}
