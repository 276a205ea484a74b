using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Objects;
using AppKeys.LocalApiServer.Storage.Persistence;

namespace AppKeys.LocalApiServer.Auth;

/// <summary>
/// Static bearer tokens (kube's token file authenticator): each token maps to a user and groups. Tokens are
/// 256-bit random values, kept only as SHA-256 digests and never logged. With a data directory they are saved
/// (digests only, plus the admin token the kubeconfig needs) so tokens stay valid across restarts.
/// </summary>
public sealed class TokenAuthenticator
{
    internal const string FileName = "tokens.json";

    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<string, UserInfo> _tokens = new(StringComparer.Ordinal);
    // Tokens from TokenRequest: when they expire and the audiences they were issued for (static tokens have neither).
    private readonly ConcurrentDictionary<string, (DateTimeOffset Expires, IReadOnlyList<string> Audiences)> _bounds = new(StringComparer.Ordinal);
    private readonly string? _path;
    private (string User, string Token)? _admin;

    public TokenAuthenticator()
    {
    }

    private TokenAuthenticator(string path) => _path = path;

    /// <summary>Loads <c>tokens.json</c> from a data directory (or starts empty) and saves every token issued later.</summary>
    internal static TokenAuthenticator LoadOrCreate(string directory)
    {
        var path = Path.Combine(directory, FileName);
        var authenticator = new TokenAuthenticator(path);
        if (!File.Exists(path))
        {
            return authenticator;
        }
        JsonObject? json;
        try
        {
            json = JsonNode.Parse(File.ReadAllBytes(path)) as JsonObject;
        }
        catch (JsonException)
        {
            json = null;
        }
        if (json?["tokens"] is not JsonArray tokens)
        {
            throw new DataDirectoryCorruptException(path, "is not a token list");
        }
        foreach (var t in tokens.OfType<JsonObject>())
        {
            if (JsonText.GetString(t, "sha256") is not { Length: 64 } digest || JsonText.GetString(t, "user") is not { Length: > 0 } user)
            {
                throw new DataDirectoryCorruptException(path, "holds an entry without sha256 or user");
            }
            var groups = t["groups"] is JsonArray g ? g.Select(JsonText.ScalarString).OfType<string>().ToList() : [];
            authenticator._tokens[digest] = new UserInfo(user, groups);
            if (t["expires"] is JsonValue expires && expires.TryGetValue<long>(out var unix))
            {
                var audiences = t["audiences"] is JsonArray a ? a.Select(JsonText.ScalarString).OfType<string>().ToList() : [];
                authenticator._bounds[digest] = (DateTimeOffset.FromUnixTimeSeconds(unix), audiences);
            }
        }
        if (JsonText.GetString(json, "admin", "user") is { } adminUser && JsonText.GetString(json, "admin", "token") is { } adminToken
            && authenticator._tokens.ContainsKey(Digest(adminToken)))
        {
            authenticator._admin = (adminUser, adminToken);
        }
        return authenticator;
    }

    /// <summary>The audience of this API server (kube-apiserver's default <c>--api-audiences</c>, its issuer).</summary>
    public const string ApiAudience = "https://kubernetes.default.svc.cluster.local";

    /// <summary>The clock expiring TokenRequest tokens.</summary>
    internal TimeProvider Time { get; set; } = TimeProvider.System;

    public string Issue(string user, IEnumerable<string>? groups) => Issue(user, groups, null);

    /// <summary>
    /// A token that expires (TokenRequest): it authenticates until its expiry, and only when its
    /// audiences include <see cref="ApiAudience"/> (kube's service-account authenticator checks both).
    /// </summary>
    internal string Issue(string user, IEnumerable<string>? groups, (DateTimeOffset Expires, IReadOnlyList<string> Audiences)? bound)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        var all = new List<string>(groups ?? []);
        if (user.StartsWith("system:serviceaccount:", StringComparison.Ordinal))
        {
            // kube adds the service-account groups for SA tokens.
            var parts = user.Split(':');
            if (parts.Length == 4)
            {
                all.Add("system:serviceaccounts");
                all.Add($"system:serviceaccounts:{parts[2]}");
            }
        }
        all.Add("system:authenticated");
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        lock (_gate)
        {
            var digest = Digest(token);
            _tokens[digest] = new UserInfo(user, all.Distinct(StringComparer.Ordinal).ToList());
            if (bound is { } b)
            {
                _bounds[digest] = b;
            }
            Save();
        }
        return token;
    }

    /// <summary>The admin user's token: the saved one when the data directory has one for this user, else a new one.</summary>
    internal string AdminToken(string user, IEnumerable<string> groups)
    {
        lock (_gate)
        {
            if (_admin is { } admin && admin.User == user)
            {
                return admin.Token;
            }
        }
        var token = Issue(user, groups);
        lock (_gate)
        {
            _admin = (user, token);
            Save();
        }
        return token;
    }

    /// <summary>The user of an <c>Authorization</c> header value, or null when missing or unknown.</summary>
    public UserInfo? Authenticate(string? authorizationHeader)
    {
        if (string.IsNullOrEmpty(authorizationHeader)
            || !authorizationHeader.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var digest = Digest(authorizationHeader["Bearer ".Length..].Trim());
        if (!_tokens.TryGetValue(digest, out var user))
        {
            return null;
        }
        if (_bounds.TryGetValue(digest, out var bound)
            && (Time.GetUtcNow() >= bound.Expires || !bound.Audiences.Contains(ApiAudience, StringComparer.Ordinal)))
        {
            return null;
        }
        return user;
    }

    private static string Digest(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>Rewrites tokens.json atomically (owner-only). Requires <see cref="_gate"/>.</summary>
    private void Save()
    {
        if (_path is null)
        {
            return;
        }
        var tokens = new JsonArray();
        var now = Time.GetUtcNow();
        foreach (var expired in _bounds.Where(kv => kv.Value.Expires <= now).Select(kv => kv.Key).ToList())
        {
            _bounds.TryRemove(expired, out _);
            _tokens.TryRemove(expired, out _);
        }
        foreach (var (digest, user) in _tokens.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var groups = new JsonArray();
            foreach (var g in user.Groups)
            {
                groups.Add(g);
            }
            var entry = new JsonObject { ["sha256"] = digest, ["user"] = user.Name, ["groups"] = groups };
            if (_bounds.TryGetValue(digest, out var bound))
            {
                entry["expires"] = bound.Expires.ToUnixTimeSeconds();
                entry["audiences"] = new JsonArray([.. bound.Audiences.Select(a => (JsonNode)a)]);
            }
            tokens.Add(entry);
        }
        var json = new JsonObject { ["tokens"] = tokens };
        if (_admin is { } admin)
        {
            json["admin"] = new JsonObject { ["user"] = admin.User, ["token"] = admin.Token };
        }
        DataDirectoryFiles.WriteAtomically(_path, json.ToJsonString());
    }
}
