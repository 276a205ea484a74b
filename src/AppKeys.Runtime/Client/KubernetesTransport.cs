using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AppKeys.Runtime.LeaderElection;
using k8s;
using k8s.Models;

namespace AppKeys.Runtime.Client;

/// <summary>
/// Raw HTTP access to the API server through a <see cref="KubernetesConnection"/> (TLS settings, credentials and the
/// delegating handlers it was built with, e.g. rate limiting). The typed clients of this runtime
/// use it so that built-ins and custom resources, list and watch, all go the same way.
/// </summary>
public sealed class KubernetesTransport
{
    private readonly KubernetesConnection connection;
    private readonly LeadershipFence? fence;

    /// <summary>
    /// Sends through <paramref name="connection"/> (not disposed by this type). With <paramref name="fence"/>, writes are
    /// refused before they are sent once leadership is lost.
    /// </summary>
    public KubernetesTransport(KubernetesConnection connection, LeadershipFence? fence = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        this.connection = connection;
        this.fence = fence;
    }

    /// <summary>Sends through the pipeline of <paramref name="kubernetes"/> (not disposed by this type).</summary>
    public KubernetesTransport(Kubernetes kubernetes, LeadershipFence? fence = null)
        : this(KubernetesConnection.Of(kubernetes), fence)
    {
    }

    /// <summary>The HTTP pipeline this transport sends through.</summary>
    public KubernetesConnection Connection => connection;

    /// <summary>
    /// Sends a request to <paramref name="relativePathAndQuery"/> (relative to the server's base address), applying
    /// the client's credentials. The caller disposes the response.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(
        HttpMethod method,
        string relativePathAndQuery,
        HttpContent? content,
        HttpCompletionOption completion,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(relativePathAndQuery);
        fence?.ThrowIfFenced(method, relativePathAndQuery);
        using var request = new HttpRequestMessage(method, new Uri(connection.BaseUri, relativePathAndQuery))
        {
            Content = content,
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (connection.Credentials is { } credentials)
        {
            await credentials.ProcessHttpRequestAsync(request, cancellationToken);
        }

        return await connection.HttpClient.SendAsync(request, completion, cancellationToken);
    }

    /// <summary>Sends a request and returns the body as a string, throwing <see cref="KubernetesApiException"/> on failure.</summary>
    internal async Task<string> SendForStringAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(method, path, content, HttpCompletionOption.ResponseContentRead, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw ToException(response.StatusCode, body);
        }

        return body;
    }

    /// <summary>Builds the exception for a failed response body (a Status when the server sent one).</summary>
    internal static KubernetesApiException ToException(HttpStatusCode code, string body)
    {
        V1Status? status = null;
        try
        {
            if (body.StartsWith('{'))
            {
                status = KubernetesSerializer.DeserializeStatus(body);
            }
        }
        catch (System.Text.Json.JsonException)
        {
            // Not a Status body: keep the code only.
        }

        var message = status?.Message is { Length: > 0 } m ? m : $"HTTP {(int)code} {code}";
        return new KubernetesApiException(code, status, message);
    }

    /// <summary>JSON request content.</summary>
    internal static StringContent Json(string json, string mediaType = "application/json") =>
        new(json, Encoding.UTF8, MediaTypeHeaderValue.Parse(mediaType));
}
