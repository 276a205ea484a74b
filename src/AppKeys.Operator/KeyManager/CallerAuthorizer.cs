using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AppKeys.Operator.Apis;
using AppKeys.Runtime.Client;
using k8s.Models;

namespace AppKeys.Operator.KeyManager;

/// <summary>
/// Who may introspect (docs/key-manager.md): the caller's Kubernetes bearer token is checked with a TokenReview, and
/// the caller is authorized per namespace with a SubjectAccessReview for verb <see cref="Verb"/> on
/// <c>applications.appkeys.io</c>. Results are cached for <see cref="CacheFor"/>, at most <see cref="MaxEntries"/>
/// per cache (a full cache is emptied).
/// </summary>
public sealed class CallerAuthorizer(KubernetesTransport transport, TimeProvider time, KeyManagerMetrics metrics)
{
    public const string Verb = "introspect";
    public const int MaxEntries = 4096;
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(10);

    private readonly Cache<Caller?> callers = new(time);
    private readonly Cache<bool> decisions = new(time);

    /// <summary>The caller the token identifies, or null when the API server does not authenticate it.</summary>
    /// <exception cref="KubernetesApiException">The review could not be made (answer 503).</exception>
    public async Task<Caller?> AuthenticateAsync(string bearerToken, CancellationToken cancellationToken)
    {
        var cacheKey = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(bearerToken)));
        if (callers.TryGet(cacheKey, out var cached))
        {
            return cached;
        }

        var review = new JsonObject
        {
            ["apiVersion"] = "authentication.k8s.io/v1",
            ["kind"] = "TokenReview",
            ["spec"] = new JsonObject { ["token"] = bearerToken },
        };
        var status = await PostAsync("apis/authentication.k8s.io/v1/tokenreviews", review, cancellationToken);
        Caller? caller = null;
        if (status?["authenticated"]?.GetValue<bool>() == true && status["user"] is JsonObject user && user["username"]?.GetValue<string>() is { Length: > 0 } name)
        {
            caller = new Caller(
                name,
                user["uid"]?.GetValue<string>(),
                [.. (user["groups"] as JsonArray ?? []).Select(g => g?.GetValue<string>()).OfType<string>()],
                user["extra"] as JsonObject);
        }

        metrics.Review("TokenReview", caller is null ? "unauthenticated" : "authenticated");
        callers.Set(cacheKey, caller);
        return caller;
    }

    /// <summary>True when <paramref name="caller"/> may introspect tokens of Application <paramref name="name"/> in <paramref name="namespace"/>.</summary>
    public async Task<bool> MayIntrospectAsync(Caller caller, string @namespace, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var cacheKey = string.Join('\n', caller.User, caller.Uid, string.Join(',', caller.Groups), @namespace, name);
        if (decisions.TryGet(cacheKey, out var cached))
        {
            return cached;
        }

        var spec = new JsonObject
        {
            ["user"] = caller.User,
            ["groups"] = new JsonArray([.. caller.Groups.Select(g => (JsonNode)g)]),
            ["resourceAttributes"] = new JsonObject
            {
                ["namespace"] = @namespace,
                ["verb"] = Verb,
                ["group"] = AppKeysApi.Group,
                ["resource"] = AppKeysApi.ApplicationPlural,
                ["name"] = name,
            },
        };
        if (caller.Uid is { Length: > 0 } uid)
        {
            spec["uid"] = uid;
        }

        if (caller.Extra is { } extra)
        {
            spec["extra"] = extra.DeepClone();
        }

        var review = new JsonObject { ["apiVersion"] = "authorization.k8s.io/v1", ["kind"] = "SubjectAccessReview", ["spec"] = spec };
        var status = await PostAsync("apis/authorization.k8s.io/v1/subjectaccessreviews", review, cancellationToken);
        var allowed = status?["allowed"]?.GetValue<bool>() == true && status["denied"]?.GetValue<bool>() != true;
        metrics.Review("SubjectAccessReview", allowed ? "allowed" : "denied");
        decisions.Set(cacheKey, allowed);
        return allowed;
    }

    private async Task<JsonObject?> PostAsync(string path, JsonObject body, CancellationToken cancellationToken)
    {
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        using var response = await transport.SendAsync(HttpMethod.Post, path, content, HttpCompletionOption.ResponseContentRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            // The body is a Status about the operator's own request (e.g. "... is forbidden: ..."); it never echoes the reviewed token.
            V1Status? status = null;
            try
            {
                status = KubernetesSerializer.DeserializeStatus(await response.Content.ReadAsStringAsync(cancellationToken));
            }
            catch (JsonException)
            {
            }

            throw new KubernetesApiException(response.StatusCode, status, $"{path}: HTTP {(int)response.StatusCode}: {status?.Message}");
        }

        try
        {
            return JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))?["status"] as JsonObject;
        }
        catch (JsonException)
        {
            throw new KubernetesApiException(response.StatusCode, null, $"{path}: the answer is not JSON");
        }
    }

    /// <summary>An authenticated caller, as TokenReview answers.</summary>
    public sealed record Caller(string User, string? Uid, IReadOnlyList<string> Groups, JsonObject? Extra);

    private sealed class Cache<T>(TimeProvider time)
    {
        private readonly Dictionary<string, (T Value, long At)> entries = new(StringComparer.Ordinal);
        private readonly Lock gate = new();

        public bool TryGet(string key, out T value)
        {
            lock (gate)
            {
                if (entries.TryGetValue(key, out var e) && time.GetElapsedTime(e.At) < CacheFor)
                {
                    value = e.Value;
                    return true;
                }
            }

            value = default!;
            return false;
        }

        public void Set(string key, T value)
        {
            lock (gate)
            {
                if (entries.Count >= MaxEntries)
                {
                    entries.Clear();
                }

                entries[key] = (value, time.GetTimestamp());
            }
        }
    }
}
