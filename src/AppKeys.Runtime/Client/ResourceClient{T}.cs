using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using k8s;
using k8s.Models;

namespace AppKeys.Runtime.Client;

/// <summary>
/// <see cref="IResourceClient{T}"/> over <see cref="KubernetesTransport"/>, (de)serializing with <see cref="KubernetesSerializer"/> (source-generated: JIT and Native AOT alike).
/// </summary>
/// <typeparam name="T">The object type; must carry <c>[KubernetesEntity]</c>.</typeparam>
public sealed class ResourceClient<T> : IResourceClient<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly KubernetesTransport transport;

    /// <summary>Creates a client for <typeparamref name="T"/>.</summary>
    public ResourceClient(KubernetesTransport transport)
    {
        ArgumentNullException.ThrowIfNull(transport);
        this.transport = transport;
        Resource = ResourceInfo.For<T>();
    }

    /// <inheritdoc />
    public ResourceInfo Resource { get; }

    /// <inheritdoc />
    public async Task<T?> GetAsync(string name, string? @namespace, CancellationToken cancellationToken = default)
    {
        try
        {
            var body = await transport.SendForStringAsync(HttpMethod.Get, Resource.ObjectPath(@namespace, name), null, cancellationToken);
            return Fill(KubernetesSerializer.Deserialize<T>(body));
        }
        catch (KubernetesApiException e) when (e.IsNotFound)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public async Task<ResourceList<T>> ListAsync(string? @namespace, ListOptions? options = null, CancellationToken cancellationToken = default)
    {
        var path = Resource.CollectionPath(@namespace) + ListQuery(options, watch: false, null);
        var body = await transport.SendForStringAsync(HttpMethod.Get, path, null, cancellationToken);
        return ParseList(body);
    }

    /// <inheritdoc />
    public async Task<T> CreateAsync(T obj, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(obj);
        Fill(obj);
        using var content = KubernetesTransport.Json(KubernetesSerializer.Serialize(obj));
        var body = await transport.SendForStringAsync(HttpMethod.Post, Resource.CollectionPath(obj.Metadata?.NamespaceProperty), content, cancellationToken);
        return Fill(KubernetesSerializer.Deserialize<T>(body));
    }

    /// <inheritdoc />
    public Task<T> ReplaceAsync(T obj, CancellationToken cancellationToken = default) => PutAsync(obj, string.Empty, cancellationToken);

    /// <inheritdoc />
    public Task<T> PatchAsync(string name, string? @namespace, ResourcePatch patch, CancellationToken cancellationToken = default) =>
        SendPatchAsync(Resource.ObjectPath(@namespace, name), patch, cancellationToken);

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string name, string? @namespace, V1DeleteOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var content = options is null ? null : KubernetesTransport.Json(KubernetesSerializer.Serialize(options));
        try
        {
            await transport.SendForStringAsync(HttpMethod.Delete, Resource.ObjectPath(@namespace, name), content, cancellationToken);
            return true;
        }
        catch (KubernetesApiException e) when (e.IsNotFound)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ResourceWatchEvent<T>> WatchAsync(
        string? @namespace,
        ListOptions options,
        int timeoutSeconds,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var path = Resource.CollectionPath(@namespace) + ListQuery(options with { Limit = null, Continue = null }, watch: true, timeoutSeconds);
        using var response = await transport.SendAsync(HttpMethod.Get, path, null, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw KubernetesTransport.ToException(response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            yield return ParseWatchLine(line);
        }
    }

    /// <inheritdoc />
    public Task<T> ReplaceStatusAsync(T obj, CancellationToken cancellationToken = default) => PutAsync(obj, "/status", cancellationToken);

    /// <inheritdoc />
    public Task<T> PatchStatusAsync(string name, string? @namespace, ResourcePatch patch, CancellationToken cancellationToken = default) =>
        SendPatchAsync(Resource.ObjectPath(@namespace, name) + "/status", patch, cancellationToken);

    /// <summary>Builds the query string of a list or watch request.</summary>
    internal static string ListQuery(ListOptions? options, bool watch, int? timeoutSeconds)
    {
        var query = new StringBuilder();
        void Add(string key, string? value)
        {
            if (string.IsNullOrEmpty(value))
            {
                return;
            }

            query.Append(query.Length == 0 ? '?' : '&').Append(key).Append('=').Append(Uri.EscapeDataString(value));
        }

        if (watch)
        {
            Add("watch", "1");
            Add("allowWatchBookmarks", "true");
            Add("timeoutSeconds", timeoutSeconds?.ToString(CultureInfo.InvariantCulture));
        }

        Add("labelSelector", options?.LabelSelector);
        Add("fieldSelector", options?.FieldSelector);
        Add("limit", options?.Limit?.ToString(CultureInfo.InvariantCulture));
        Add("continue", options?.Continue);
        Add("resourceVersion", options?.ResourceVersion);
        return query.ToString();
    }

    /// <summary>Parses a list body; items get apiVersion and kind (list items omit them).</summary>
    internal ResourceList<T> ParseList(string body)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        var items = new List<T>();
        if (root.TryGetProperty("items", out var array) && array.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in array.EnumerateArray())
            {
                items.Add(Fill(KubernetesSerializer.Deserialize<T>(item)));
            }
        }

        string resourceVersion = string.Empty;
        string? next = null;
        if (root.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object)
        {
            if (metadata.TryGetProperty("resourceVersion", out var rv) && rv.ValueKind == JsonValueKind.String)
            {
                resourceVersion = rv.GetString() ?? string.Empty;
            }

            if (metadata.TryGetProperty("continue", out var c) && c.ValueKind == JsonValueKind.String && c.GetString() is { Length: > 0 } token)
            {
                next = token;
            }
        }

        return new ResourceList<T>(items, resourceVersion, next);
    }

    /// <summary>Parses one watch line; ERROR events become <see cref="KubernetesApiException"/>.</summary>
    internal ResourceWatchEvent<T> ParseWatchLine(string line)
    {
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        var type = root.TryGetProperty("type", out var t) ? t.GetString() : null;
        if (!root.TryGetProperty("object", out var obj) || obj.ValueKind != JsonValueKind.Object)
        {
            throw new KubernetesApiException(HttpStatusCode.InternalServerError, null, $"Watch event {type} without an object.");
        }

        var isStatus = obj.TryGetProperty("kind", out var kind) && kind.ValueKind == JsonValueKind.String && kind.GetString() == "Status" && Resource.Kind != "Status";
        if (type == "ERROR" || isStatus)
        {
            var status = KubernetesSerializer.DeserializeStatus(obj) ?? new V1Status();
            var code = status.Code is > 0 ? (HttpStatusCode)status.Code.Value : HttpStatusCode.InternalServerError;
            throw new KubernetesApiException(code, status, status.Message is { Length: > 0 } m ? m : $"Watch error {(int)code}");
        }

        var eventType = type switch
        {
            "ADDED" => WatchEventType.Added,
            "MODIFIED" => WatchEventType.Modified,
            "DELETED" => WatchEventType.Deleted,
            "BOOKMARK" => WatchEventType.Bookmark,
            _ => throw new KubernetesApiException(HttpStatusCode.InternalServerError, null, $"Unknown watch event type '{type}'."),
        };
        return new ResourceWatchEvent<T>(eventType, Fill(KubernetesSerializer.Deserialize<T>(obj)));
    }

    /// <summary>Fills apiVersion and kind, which list and watch payloads may omit.</summary>
    internal T Fill(T obj)
    {
        obj.ApiVersion ??= Resource.ApiVersion;
        obj.Kind ??= Resource.Kind;
        return obj;
    }

    private async Task<T> PutAsync(T obj, string suffix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(obj);
        Fill(obj);
        var metadata = obj.Metadata ?? throw new ArgumentException("metadata is required.", nameof(obj));
        using var content = KubernetesTransport.Json(KubernetesSerializer.Serialize(obj));
        var body = await transport.SendForStringAsync(HttpMethod.Put, Resource.ObjectPath(metadata.NamespaceProperty, metadata.Name) + suffix, content, cancellationToken);
        return Fill(KubernetesSerializer.Deserialize<T>(body));
    }

    private async Task<T> SendPatchAsync(string path, ResourcePatch patch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(patch);
        using var content = KubernetesTransport.Json(patch.Content, patch.MediaType);
        var body = await transport.SendForStringAsync(HttpMethod.Patch, path, content, cancellationToken);
        return Fill(KubernetesSerializer.Deserialize<T>(body));
    }
}
