using System.Globalization;
using System.Text.Json.Nodes;
using AppKeys.Operator.Apis;
using AppKeys.Operator.Signing;
using AppKeys.Runtime.Client;
using k8s;
using k8s.Models;

namespace AppKeys.KubectlPlugin;

/// <summary>The plugin's commands. Each returns the process exit code: 0 done or healthy, 1 a check failed, 2 a usage error.</summary>
internal static class Commands
{
    public static async Task<int> StatusAsync(PluginContext ctx, string kind, string name, string? output, CancellationToken ct)
    {
        var now = ctx.Time.GetUtcNow();
        if (PluginContext.IsKey(kind))
        {
            var key = await ctx.Keys.GetAsync(name, ctx.Namespace, ct);
            if (key is null)
            {
                return NotFound(ctx, AppKeysApi.ApplicationKeyKind, name);
            }

            if (output is not null)
            {
                return Print(ctx, key, output);
            }

            var secret = await ctx.Secrets.GetAsync(key.Status?.SecretName ?? key.Spec.SecretName ?? name, ctx.Namespace, ct);
            await ctx.Output.WriteAsync(StatusScreen.ForKey(key, secret, await ctx.EventsOfAsync(key.Metadata, ct), now));
            return 0;
        }

        if (PluginContext.IsApplication(kind))
        {
            var app = await ctx.Applications.GetAsync(name, ctx.Namespace, ct);
            if (app is null)
            {
                return NotFound(ctx, AppKeysApi.ApplicationKind, name);
            }

            if (output is not null)
            {
                return Print(ctx, app, output);
            }

            var keys = (await ctx.Keys.ListAsync(ctx.Namespace, cancellationToken: ct)).Items.Where(k => k.Spec.ApplicationRef?.Name == name).ToList();
            var secret = await ctx.Secrets.GetAsync(app.Status?.SecretName ?? app.Spec.SecretName ?? $"{name}-credentials", ctx.Namespace, ct);
            await ctx.Output.WriteAsync(StatusScreen.ForApplication(app, keys, secret, await ctx.EventsOfAsync(app.Metadata, ct), now));
            return 0;
        }

        await ctx.Output.WriteLineAsync($"error: unknown kind '{kind}': {PluginContext.Kinds}");
        return 2;
    }

    /// <summary>Every Application and ApplicationKey in the namespace (or all), as a table, JSON or YAML.</summary>
    public static async Task<int> ListAsync(PluginContext ctx, bool allNamespaces, string? output, CancellationToken ct)
    {
        var ns = allNamespaces ? null : ctx.Namespace;
        var rows = new List<JsonObject>();
        foreach (var app in (await ctx.Applications.ListAsync(ns, cancellationToken: ct)).Items)
        {
            rows.Add(Row(AppKeysApi.ApplicationKind, app.Metadata, app.Status?.Conditions, null, app.Status?.Keys?.FirstOrDefault()?.ConsumerKey));
        }

        foreach (var key in (await ctx.Keys.ListAsync(ns, cancellationToken: ct)).Items)
        {
            rows.Add(Row(AppKeysApi.ApplicationKeyKind, key.Metadata, key.Status?.Conditions, key.Status?.ExpiresAt, key.Status?.ConsumerKey));
        }

        var sorted = rows.OrderBy(r => (string?)r["namespace"], StringComparer.Ordinal).ThenBy(r => (string?)r["kind"], StringComparer.Ordinal).ThenBy(r => (string?)r["name"], StringComparer.Ordinal).ToList();
        if (output is not null)
        {
            return Print(ctx, new JsonArray([.. sorted]), output);
        }

        await ctx.Output.WriteLineAsync($"{"NAMESPACE",-16} {"KIND",-15} {"NAME",-30} {"READY",-6} {"REASON",-20} EXPIRES");
        foreach (var r in sorted)
        {
            await ctx.Output.WriteLineAsync($"{(string?)r["namespace"],-16} {(string?)r["kind"],-15} {(string?)r["name"],-30} {(string?)r["ready"] ?? "-",-6} {(string?)r["reason"] ?? "-",-20} {(string?)r["expiresAt"] ?? "-"}");
        }

        return 0;
    }

    /// <summary>Sets an annotation whose new value the operator acts on (renew, regenerate-secret, ...).</summary>
    public static async Task<int> AnnotateAsync<T>(PluginContext ctx, IResourceClient<T> resource, string kind, string name, string? @namespace, string annotation, string done, CancellationToken ct)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        if (await resource.GetAsync(name, @namespace, ct) is null)
        {
            return NotFound(ctx, kind, name);
        }

        // Milliseconds: two requests within one second are still two new values.
        var value = ctx.Time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        await PluginContext.AnnotateAsync(resource, name, @namespace, annotation, value, ct);
        await ctx.Output.WriteLineAsync($"{kind.ToLowerInvariant()}/{name} annotated {annotation}={value}: {done}");
        return 0;
    }

    /// <summary>
    /// Revokes the key's current token: a new value of <c>appkeys.io/revoke</c> makes the operator revoke the recorded
    /// token and issue a new one into the key's Secret.
    /// </summary>
    public static async Task<int> RevokeAsync(PluginContext ctx, string name, CancellationToken ct)
    {
        var key = await ctx.Keys.GetAsync(name, ctx.Namespace, ct);
        if (key is null)
        {
            return NotFound(ctx, AppKeysApi.ApplicationKeyKind, name);
        }

        var value = NewRequestValue(ctx);
        await PluginContext.AnnotateAsync(ctx.Keys, name, ctx.Namespace, AppKeysAnnotations.Revoke, value, ct);
        var current = key.Status?.TokenId is { } id ? $"token {id} (revision {key.Status.Revision})" : "the current token (the key holds none yet)";
        await ctx.Output.WriteLineAsync($"applicationkey/{name} annotated {AppKeysAnnotations.Revoke}={value}");
        await ctx.Output.WriteLineAsync($"Next: the operator revokes {current} — introspection answers it inactive at once — and issues a new token into Secret {key.Status?.SecretName ?? key.Spec.SecretName ?? name}.");
        await ctx.Output.WriteLineAsync("      A verifier that only checks JWT signatures against the JWKS keeps accepting a revoked JWT until it expires.");
        await ctx.Output.WriteLineAsync($"Watch: kubectl get applicationkey {name} -n {ctx.Namespace} -w   (a new revision), then: kubectl appkeys status applicationkey {name} -n {ctx.Namespace}");
        return 0;
    }

    /// <summary>
    /// A signing-key rotation (a new value of <c>appkeys.io/rotate</c> on the signing-key Secret), or with
    /// <paramref name="emergencyKid"/> the revocation of that key at once (<c>appkeys.io/revoke-signing-key</c>).
    /// The Secret is patched, never read (it holds the private keys); the kid is checked against the published JWKS.
    /// </summary>
    public static async Task<int> RotateSigningKeyAsync(PluginContext ctx, string? emergencyKid, CancellationToken ct)
    {
        var secret = $"{ctx.OperatorNamespace}/{SigningKeySecret.SecretName}";
        string annotation, value;
        if (emergencyKid is not null)
        {
            var kid = emergencyKid.Trim();
            var jwks = await JwksAsync(ctx, ct);
            if (jwks is null)
            {
                return 1;
            }

            var published = JwksPublisher.KeyIds(jwks);
            if (!published.Contains(kid))
            {
                await ctx.Output.WriteLineAsync($"error: kid '{kid}' is not in the published JWKS ({string.Join(", ", published.Order(StringComparer.Ordinal))}); nothing revoked");
                return 1;
            }

            (annotation, value) = (SigningKeySecret.RevokeAnnotation, kid);
        }
        else
        {
            (annotation, value) = (SigningKeySecret.RotateAnnotation, NewRequestValue(ctx));
        }

        try
        {
            await PluginContext.AnnotateAsync(ctx.Secrets, SigningKeySecret.SecretName, ctx.OperatorNamespace, annotation, value, ct);
        }
        catch (KubernetesApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            await ctx.Output.WriteLineAsync($"error: Secret {secret} not found (is the operator running, with --namespace {ctx.OperatorNamespace}? --operator-namespace names another)");
            return 1;
        }

        await ctx.Output.WriteLineAsync($"secret/{SigningKeySecret.SecretName} -n {ctx.OperatorNamespace} annotated {annotation}={value}");
        if (emergencyKid is not null)
        {
            await ctx.Output.WriteLineAsync($"Next: signing key {value} leaves the JWKS at once (verifiers stop accepting it at their next JWKS refresh); if it was signing, the next key (already published) takes over; every token it signed is re-minted now (reason SigningKeyRotated). Also regenerate consumer secrets that may have leaked with it.");
        }
        else
        {
            await ctx.Output.WriteLineAsync("Next: the next signing key (already in the JWKS) starts signing once it has been published for the pre-publish window (--signing-key-prepublish, default 1h); the old key stays published until nothing it signed can still be presented.");
        }

        await ctx.Output.WriteLineAsync($"Watch: kubectl get events -n {ctx.OperatorNamespace} --field-selector involvedObject.name={SigningKeySecret.SecretName} -w   (SigningKeyRotationRequested, SigningKeyRotated, SigningKeyRevoked), then: kubectl appkeys check");
        return 0;
    }

    /// <summary>A value the annotation never had: milliseconds (two requests within one second differ) and a random suffix.</summary>
    private static string NewRequestValue(PluginContext ctx) =>
        $"{ctx.Time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4))}";

    /// <summary>The key's token decoded (claims; the token itself only with <paramref name="showToken"/>).</summary>
    public static async Task<int> TokenAsync(PluginContext ctx, string name, bool showToken, CancellationToken ct)
    {
        var token = await TokenOfAsync(ctx, name, ct);
        if (token is null)
        {
            return 1;
        }

        await ctx.Output.WriteAsync(TokenInspector.Describe(token, showToken));
        return 0;
    }

    /// <summary>The key's token (or a token from a file) verified against the JWKS the operator publishes.</summary>
    public static async Task<int> VerifyAsync(PluginContext ctx, string? name, string? tokenFile, CancellationToken ct)
    {
        var token = tokenFile is not null ? (await File.ReadAllTextAsync(tokenFile, ct)).Trim() : name is not null ? await TokenOfAsync(ctx, name, ct) : null;
        if (token is null)
        {
            if (name is null)
            {
                await ctx.Output.WriteLineAsync("error: name a key or pass --token-file");
                return 2;
            }

            return 1;
        }

        var jwks = await JwksAsync(ctx, ct);
        if (jwks is null)
        {
            return 1;
        }

        var (valid, verdict) = await TokenInspector.VerifyAsync(token, jwks, ctx.Time.GetUtcNow());
        await ctx.Output.WriteLineAsync(verdict);
        return valid ? 0 : 1;
    }

    /// <summary>Is the operator there and leading, is its JWKS published, and does every Ready JWT key of the namespace verify against it?</summary>
    public static async Task<int> CheckAsync(PluginContext ctx, CancellationToken ct)
    {
        var failures = 0;
        async Task Report(bool ok, string what)
        {
            failures += ok ? 0 : 1;
            await ctx.Output.WriteLineAsync($"{(ok ? "ok  " : "FAIL")}  {what}");
        }

        var now = ctx.Time.GetUtcNow();
        var lease = await ctx.Leases.GetAsync("appkeys-operator-leader", ctx.OperatorNamespace, ct);
        if (lease?.Spec.RenewTime is { } renewed)
        {
            var age = now - new DateTimeOffset(DateTime.SpecifyKind(renewed.ToUniversalTime(), DateTimeKind.Utc));
            var duration = TimeSpan.FromSeconds(lease.Spec.LeaseDurationSeconds ?? 15);
            await Report(age <= duration, $"operator leader {lease.Spec.HolderIdentity}, lease renewed {(long)age.TotalSeconds}s ago (valid for {(long)duration.TotalSeconds}s)");
        }
        else
        {
            await Report(false, $"no operator leader: Lease {ctx.OperatorNamespace}/appkeys-operator-leader {(lease is null ? "not found" : "never renewed")} (is the operator running, with --namespace {ctx.OperatorNamespace}?)");
        }

        var jwks = await JwksAsync(ctx, ct);
        await Report(jwks is not null, jwks is null ? "JWKS not published" : $"JWKS published in ConfigMap {ctx.OperatorNamespace}/{JwksPublisher.ConfigMapName}");
        if (jwks is null)
        {
            return 1;
        }

        foreach (var key in (await ctx.Keys.ListAsync(ctx.Namespace, cancellationToken: ct)).Items)
        {
            var ready = key.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready")?.Status == "True";
            if (!ready || key.Status?.TokenType != "JWT")
            {
                continue;
            }

            var secret = await ctx.Secrets.GetAsync(key.Status.SecretName ?? key.Metadata.Name, ctx.Namespace, ct);
            if (secret?.Data?.TryGetValue("accessToken", out var bytes) != true)
            {
                await Report(false, $"key {key.Metadata.Name} is Ready but its Secret has no accessToken");
                continue;
            }

            var (valid, verdict) = await TokenInspector.VerifyAsync(System.Text.Encoding.UTF8.GetString(bytes!), jwks, now);
            await Report(valid, $"key {key.Metadata.Name}: {verdict}");
        }

        return failures == 0 ? 0 : 1;
    }

    private static async Task<string?> TokenOfAsync(PluginContext ctx, string name, CancellationToken ct)
    {
        var key = await ctx.Keys.GetAsync(name, ctx.Namespace, ct);
        if (key is null)
        {
            NotFound(ctx, AppKeysApi.ApplicationKeyKind, name);
            return null;
        }

        var secretName = key.Status?.SecretName ?? key.Spec.SecretName ?? name;
        var secret = await ctx.Secrets.GetAsync(secretName, ctx.Namespace, ct);
        if (secret?.Data?.TryGetValue("accessToken", out var bytes) == true && bytes.Length > 0)
        {
            return System.Text.Encoding.UTF8.GetString(bytes);
        }

        await ctx.Output.WriteLineAsync($"error: Secret {ctx.Namespace}/{secretName} holds no accessToken (kubectl appkeys status applicationkey {name} says why)");
        return null;
    }

    private static async Task<string?> JwksAsync(PluginContext ctx, CancellationToken ct)
    {
        var map = await ctx.ConfigMaps.GetAsync(JwksPublisher.ConfigMapName, ctx.OperatorNamespace, ct);
        if (map?.Data?.TryGetValue("jwks.json", out var jwks) == true)
        {
            return jwks;
        }

        await ctx.Output.WriteLineAsync($"error: ConfigMap {ctx.OperatorNamespace}/{JwksPublisher.ConfigMapName} has no jwks.json (is the operator running, with --namespace {ctx.OperatorNamespace}?)");
        return null;
    }

    private static JsonObject Row(string kind, V1ObjectMeta metadata, IList<V1Condition>? conditions, DateTime? expiresAt, string? consumerKey)
    {
        var ready = conditions?.FirstOrDefault(c => c.Type == "Ready");
        return new JsonObject
        {
            ["kind"] = kind,
            ["namespace"] = metadata.NamespaceProperty,
            ["name"] = metadata.Name,
            ["ready"] = ready?.Status,
            ["reason"] = ready?.Reason,
            ["consumerKey"] = consumerKey,
            ["expiresAt"] = expiresAt?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        };
    }

    private static int Print(PluginContext ctx, object value, string output)
    {
        var json = value is JsonNode node ? node.ToJsonString() : KubernetesJson.Serialize(value);
        switch (output)
        {
            case "json":
                ctx.Output.WriteLine(JsonNode.Parse(json)!.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
                return 0;
            case "yaml":
                ctx.Output.Write(KubernetesYaml.Serialize(ToPlain(JsonNode.Parse(json))));
                return 0;
            default:
                ctx.Output.WriteLine($"error: -o must be json or yaml, not '{output}'");
                return 2;
        }
    }

    private static object? ToPlain(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(p => p.Key, p => ToPlain(p.Value)),
        JsonArray a => a.Select(ToPlain).ToList(),
        JsonValue v when v.TryGetValue<long>(out var l) => l,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v => v.ToString(),
        _ => null,
    };

    private static int NotFound(PluginContext ctx, string kind, string name)
    {
        ctx.Output.WriteLine($"error: {kind} {ctx.Namespace}/{name} not found");
        return 1;
    }
}
