using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Objects;
using AppKeys.LocalApiServer.Storage.Persistence;

namespace AppKeys.LocalApiServer.Authentication;

/// <summary>
/// Static bearer tokens (kube's token file authenticator): each token maps to a user and groups. Tokens are
/// 256-bit random values, kept only as SHA-256 digests and never logged. With a data directory they are saved
/// (digests only, plus the admin token the kubeconfig needs) so tokens stay valid across restarts.
/// </summary>
public sealed class TokenAuthenticator
{
    internal const string FileName = "tokens.json";

    private readonly Lock gate = new();
    private readonly ConcurrentDictionary<string, UserInfo> tokens = new(StringComparer.Ordinal);
    // Tokens from TokenRequest: when they expire and the audiences they were issued for (static tokens have neither).
    private readonly ConcurrentDictionary<string, BoundToken> bounds = new(StringComparer.Ordinal);
    private readonly string? path;
    private (string User, string Token)? admin;

    public TokenAuthenticator()
    {
    }

    private TokenAuthenticator(string path) => this.path = path;

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
            var uid = JsonText.GetString(t, "uid");
            var credentialId = JsonText.GetString(t, "credentialId");
            authenticator.tokens[digest] = new UserInfo(user, groups, uid, CredentialExtra(credentialId));
            if (t["expires"] is JsonValue expires && expires.TryGetValue<long>(out var unix))
            {
                var audiences = t["audiences"] is JsonArray a ? a.Select(JsonText.ScalarString).OfType<string>().ToList() : [];
                authenticator.bounds[digest] = new BoundToken(DateTimeOffset.FromUnixTimeSeconds(unix), audiences, credentialId);
            }
        }
        if (JsonText.GetString(json, "admin", "user") is { } adminUser && JsonText.GetString(json, "admin", "token") is { } adminToken
            && authenticator.tokens.ContainsKey(Digest(adminToken)))
        {
            authenticator.admin = (adminUser, adminToken);
        }
        return authenticator;
    }

    /// <summary>The audience of this API server (kube-apiserver's default <c>--api-audiences</c>, its issuer).</summary>
    public const string ApiAudience = "https://kubernetes.default.svc.cluster.local";

    /// <summary>The clock expiring TokenRequest tokens.</summary>
    internal TimeProvider Time { get; set; } = TimeProvider.System;

    public string Issue(string user, IEnumerable<string>? groups) => Issue(user, groups, null, null);

    /// <summary>
    /// A token that expires (TokenRequest): it authenticates until its expiry, and only for a request whose
    /// audiences intersect its own (kube's service-account authenticator checks both). Its user carries the
    /// ServiceAccount's <paramref name="uid"/> and, as kube 1.32's do, the extra
    /// <c>authentication.kubernetes.io/credential-id: JTI=&lt;token id&gt;</c>.
    /// </summary>
    internal string Issue(string user, IEnumerable<string>? groups, (DateTimeOffset Expires, IReadOnlyList<string> Audiences)? bound, string? uid)
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
        var credentialId = bound is null ? null : "JTI=" + Guid.NewGuid().ToString("D");
        lock (gate)
        {
            var digest = Digest(token);
            tokens[digest] = new UserInfo(user, all.Distinct(StringComparer.Ordinal).ToList(), uid, CredentialExtra(credentialId));
            if (bound is { } b)
            {
                bounds[digest] = new BoundToken(b.Expires, b.Audiences, credentialId);
            }
            Save();
        }
        return token;
    }

    /// <summary>The admin user's token: the saved one when the data directory has one for this user, else a new one.</summary>
    internal string AdminToken(string user, IEnumerable<string> groups)
    {
        lock (gate)
        {
            if (this.admin is { } admin && admin.User == user)
            {
                return admin.Token;
            }
        }
        var token = Issue(user, groups);
        lock (gate)
        {
            this.admin = (user, token);
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
        return Review(authorizationHeader["Bearer ".Length..].Trim(), []).User;
    }

    /// <summary>The extra key kube 1.32 gives the user of a service-account token (its JWT id).</summary>
    public const string CredentialIdExtra = "authentication.kubernetes.io/credential-id";

    /// <summary>
    /// Authenticates <paramref name="token"/> for <paramref name="audiences"/> (none = this server's own audience) as
    /// kube-apiserver's token authenticators do for a request or a TokenReview: an unknown token is simply not
    /// authenticated; a static token (admin, <see cref="Issue(string, IEnumerable{string})"/>) is audience-agnostic
    /// and valid only for the server's audience (apiserver's WrapAudienceAgnosticToken); a TokenRequest token must share an
    /// audience with the request (pkg/serviceaccount/jwt.go) and not be expired (claims.go), else the error kube reports.
    /// </summary>
    public TokenReviewResult Review(string token, IReadOnlyList<string> audiences)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(audiences);
        var requested = audiences.Count > 0 ? audiences : [ApiAudience];
        var digest = Digest(token);
        if (token.Length == 0 || !tokens.TryGetValue(digest, out var user))
        {
            return new TokenReviewResult(null, [], null);
        }
        if (!bounds.TryGetValue(digest, out var bound))
        {
            return requested.Contains(ApiAudience, StringComparer.Ordinal)
                ? new TokenReviewResult(user, [ApiAudience], null)
                : new TokenReviewResult(null, [], null);
        }
        var shared = bound.Audiences.Where(a => requested.Contains(a, StringComparer.Ordinal)).Distinct(StringComparer.Ordinal).ToList();
        if (shared.Count == 0)
        {
            return new TokenReviewResult(null, [], $"token audiences {GoQuoted(bound.Audiences)} is invalid for the target audiences {GoQuoted(requested)}");
        }
        if (Time.GetUtcNow() >= bound.Expires)
        {
            return new TokenReviewResult(null, [], "service account token has expired");
        }
        return new TokenReviewResult(user, shared, null);
    }

    /// <summary>Go's <c>%q</c> of a string slice: <c>["a" "b"]</c>.</summary>
    private static string GoQuoted(IEnumerable<string> values) =>
        "[" + string.Join(' ', values.Select(v => JsonSerializer.Serialize(v))) + "]";

    private static Dictionary<string, IReadOnlyList<string>>? CredentialExtra(string? credentialId) =>
        credentialId is null ? null : new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal) { [CredentialIdExtra] = [credentialId] };

    private static string Digest(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>Rewrites tokens.json atomically (owner-only). Requires <see cref="gate"/>.</summary>
    private void Save()
    {
        if (path is null)
        {
            return;
        }
        var tokens = new JsonArray();
        var now = Time.GetUtcNow();
        foreach (var expired in bounds.Where(kv => kv.Value.Expires <= now).Select(kv => kv.Key).ToList())
        {
            bounds.TryRemove(expired, out _);
            this.tokens.TryRemove(expired, out _);
        }
        foreach (var (digest, user) in this.tokens.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var groups = new JsonArray();
            foreach (var g in user.Groups)
            {
                groups.Add(g);
            }
            var entry = new JsonObject { ["sha256"] = digest, ["user"] = user.Name, ["groups"] = groups };
            if (user.Uid is not null)
            {
                entry["uid"] = user.Uid;
            }
            if (bounds.TryGetValue(digest, out var bound))
            {
                entry["expires"] = bound.Expires.ToUnixTimeSeconds();
                entry["audiences"] = new JsonArray([.. bound.Audiences.Select(a => (JsonNode)a)]);
                if (bound.CredentialId is not null)
                {
                    entry["credentialId"] = bound.CredentialId;
                }
            }
            tokens.Add(entry);
        }
        var json = new JsonObject { ["tokens"] = tokens };
        if (this.admin is { } admin)
        {
            json["admin"] = new JsonObject { ["user"] = admin.User, ["token"] = admin.Token };
        }
        DataDirectoryFiles.WriteAtomically(path, json.ToJsonString());
    }

    private sealed record BoundToken(DateTimeOffset Expires, IReadOnlyList<string> Audiences, string? CredentialId);
}
