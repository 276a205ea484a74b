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
