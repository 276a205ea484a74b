using System.Text;
using System.Text.Json.Nodes;
using AppKeys.E2E.Tests.Support;
using AppKeys.KubectlPlugin;
using Xunit.Abstractions;

namespace AppKeys.E2E.Tests;

/// <summary>
/// <c>kubectl appkeys</c> against the local API server with the operator running (config/default applied, the operator
/// in process as its ServiceAccount): every command in process on the same kubeconfig a user has, and once through
/// kubectl's own plugin discovery.
/// </summary>
public sealed class KubectlPluginTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Ns = "plugin";
    private InProcessOperator? world;

    private InProcessOperator World => world ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        world = await InProcessOperator.StartAsync();
        var manifest = $$"""
            apiVersion: v1
            kind: Namespace
            metadata: {name: {{Ns}}}
            ---
            apiVersion: appkeys.io/v1alpha1
            kind: Application
            metadata: {name: shop, namespace: {{Ns}}}
            spec: {keyTypes: [Production], allowedScopes: [orders:read]}
            ---
            apiVersion: appkeys.io/v1alpha1
            kind: ApplicationKey
            metadata: {name: shop-orders, namespace: {{Ns}}}
            spec:
              applicationRef: {name: shop}
              scopes: [orders:read]
              validityPeriod: 3600
            ---
            apiVersion: appkeys.io/v1alpha1
            kind: ApplicationKey
            metadata: {name: orphan, namespace: {{Ns}}}
            spec:
              applicationRef: {name: nowhere}
            """;
        (await World.Kubectl.RunAsync(["apply", "-f", "-"], stdin: manifest)).EnsureSuccess();
        await Eventually.GetAsync(async () =>
        {
            var (code, text) = await PluginAsync("list", "-o", "json");
            var row = code == 0 ? JsonNode.Parse(text)!.AsArray().FirstOrDefault(r => (string?)r!["name"] == "shop-orders") : null;
            return (string?)row?["ready"] == "True" ? row : null;
        }, "shop-orders Ready", TimeSpan.FromSeconds(60));
    }

    public async Task DisposeAsync()
    {
        if (world is not null)
        {
            await world.DisposeAsync();
        }
    }

    [Fact]
    public async Task Status_shows_a_key_on_one_screen_with_what_to_do_next()
    {
        var (code, screen) = await PluginAsync("status", "appkey", "shop-orders");
        output.WriteLine(screen);
        Assert.Equal(0, code);
        Assert.Contains("ApplicationKey plugin/shop-orders", screen, StringComparison.Ordinal);
        Assert.Contains("True (Issued)", screen, StringComparison.Ordinal);
        Assert.Contains("accessToken", screen, StringComparison.Ordinal);
        Assert.Contains("Issued", screen[screen.IndexOf("Events", StringComparison.Ordinal)..], StringComparison.Ordinal);
        Assert.Contains("kubectl appkeys renew shop-orders", screen, StringComparison.Ordinal);
        await AssertNoSecretAsync(screen);

        var (_, orphan) = await PluginAsync("status", "applicationkey", "orphan");
        Assert.Contains("ApplicationNotFound", orphan, StringComparison.Ordinal);
        Assert.Contains("create Application nowhere", orphan, StringComparison.Ordinal);

        var (_, app) = await PluginAsync("status", "application", "shop");
        Assert.Contains("shop-orders (Issued)", app, StringComparison.Ordinal);
        await AssertNoSecretAsync(app);

        var (jsonCode, json) = await PluginAsync("status", "appkey", "shop-orders", "-o", "json");
        Assert.Equal(0, jsonCode);
        Assert.Equal("ApplicationKey", (string?)JsonNode.Parse(json)!["kind"]);

        var (missing, text) = await PluginAsync("status", "appkey", "nope");
        Assert.Equal(1, missing);
        Assert.Contains("not found", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_prints_a_table_json_and_yaml()
    {
        var (_, table) = await PluginAsync("list");
        Assert.Contains("shop-orders", table, StringComparison.Ordinal);
        var (_, yaml) = await PluginAsync("list", "-o", "yaml");
        Assert.Contains("name: shop-orders", yaml, StringComparison.Ordinal);
        var (bad, _) = await PluginAsync("list", "-o", "xml");
        Assert.NotEqual(0, bad);
    }

    [Fact]
    public async Task Token_shows_claims_and_the_token_only_when_asked()
    {
        var token = await TokenAsync();
        var (code, text) = await PluginAsync("token", "shop-orders");
        Assert.Equal(0, code);
        Assert.Contains("\"client_id\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain(token, text, StringComparison.Ordinal);
        var (_, shown) = await PluginAsync("token", "shop-orders", "--show-token");
        Assert.Contains(token, shown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_and_check_judge_tokens_against_the_published_jwks()
    {
        var (code, verdict) = await PluginAsync("verify", "shop-orders");
        Assert.True(code == 0, verdict);
        Assert.StartsWith("valid: ES256 signature by kid ", verdict, StringComparison.Ordinal);

        // A token signed by some other key fails, whatever it claims.
        var forged = Path.GetTempFileName();
        try
        {
            var parts = (await TokenAsync()).Split('.');
            await File.WriteAllTextAsync(forged, $"{parts[0]}.{parts[1]}.{Base64Url(new byte[64])}");
            var (forgedCode, forgedVerdict) = await PluginAsync("verify", "--token-file", forged);
            Assert.Equal(1, forgedCode);
            Assert.StartsWith("INVALID", forgedVerdict, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(forged);
        }

        var (checkCode, check) = await PluginAsync("check");
        output.WriteLine(check);
        Assert.True(checkCode == 0, check);
        Assert.Contains("ok    operator leader", check, StringComparison.Ordinal);
        Assert.Contains("key shop-orders: valid", check, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Renew_and_regenerate_secret_act_through_the_operator()
    {
        var before = await RevisionAsync();
        var (code, said) = await PluginAsync("renew", "shop-orders");
        Assert.True(code == 0, said);
        await Eventually.GetAsync(async () => await RevisionAsync() > before ? "renewed" : null, "a new revision", TimeSpan.FromSeconds(60));

        var renewed = await RevisionAsync();
        (code, said) = await PluginAsync("regenerate-secret", "shop");
        Assert.True(code == 0, said);
        await Eventually.GetAsync(async () => await RevisionAsync() > renewed ? "reissued" : null, "the key reissued after the consumer secret changed", TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task Revoke_sets_a_new_revoke_request_each_time_and_says_what_happens_next()
    {
        var (code, said) = await PluginAsync("revoke", "shop-orders");
        Assert.True(code == 0, said);
        Assert.Contains("kubectl appkeys status applicationkey shop-orders", said, StringComparison.Ordinal);
        Assert.Contains("issues a new token", said, StringComparison.Ordinal);
        var first = await AnnotationAsync("applicationkey", "shop-orders", Ns, "appkeys.io/revoke");
        Assert.False(string.IsNullOrEmpty(first));
        Assert.Contains(first, said, StringComparison.Ordinal);

        // The operator side of appkeys.io/revoke is another branch's work: here the request itself is what is tested.
        (code, said) = await PluginAsync("revoke", "shop-orders");
        Assert.True(code == 0, said);
        var second = await AnnotationAsync("applicationkey", "shop-orders", Ns, "appkeys.io/revoke");
        Assert.NotEqual(first, second);

        var (missing, text) = await PluginAsync("revoke", "nope");
        Assert.Equal(1, missing);
        Assert.Equal("error: ApplicationKey plugin/nope not found\n", text);
    }

    [Fact]
    public async Task Rotate_signing_key_requests_a_rotation_the_operator_honours()
    {
        var (code, said) = await PluginAsync("rotate-signing-key");
        Assert.True(code == 0, said);
        Assert.Contains("pre-publish window", said, StringComparison.Ordinal);
        Assert.Contains("kubectl appkeys check", said, StringComparison.Ordinal);
        var value = await AnnotationAsync("secret", "appkeys-signing-keys", "appkeys-system", "appkeys.io/rotate");
        Assert.False(string.IsNullOrEmpty(value));
        await Eventually.GetAsync(
            async () => (await World.Kubectl.RunAsync("get", "events", "-n", "appkeys-system", "--field-selector", "involvedObject.name=appkeys-signing-keys,reason=SigningKeyRotationRequested", "-o", "name")).StdOut is { Length: > 0 } e ? e : null,
            "the operator's SigningKeyRotationRequested event",
            TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task Rotate_signing_key_emergency_revokes_a_published_kid_and_refuses_an_unknown_one()
    {
        var (unknown, refused) = await PluginAsync("rotate-signing-key", "--emergency", "no-such-kid");
        Assert.Equal(1, unknown);
        Assert.StartsWith("error: kid 'no-such-kid' is not in the published JWKS", refused, StringComparison.Ordinal);
        Assert.Equal("", await AnnotationAsync("secret", "appkeys-signing-keys", "appkeys-system", "appkeys.io/revoke-signing-key"));

        var (_, verdict) = await PluginAsync("verify", "shop-orders");
        var kid = verdict.Split("kid ", 2)[1].Split(' ', ',', '\n')[0];
        var (code, said) = await PluginAsync("rotate-signing-key", "--emergency", kid);
        Assert.True(code == 0, said);
        Assert.Contains("leaves the JWKS at once", said, StringComparison.Ordinal);
        Assert.Equal(kid, await AnnotationAsync("secret", "appkeys-signing-keys", "appkeys-system", "appkeys.io/revoke-signing-key"));

        // The operator honours it: the kid leaves the published JWKS and the key's token is re-minted by another key.
        await Eventually.GetAsync(
            async () => (await World.Kubectl.RunAsync("get", "configmap", "appkeys-jwks", "-n", "appkeys-system", "-o", "jsonpath={.data.jwks\\.json}")).StdOut is { Length: > 0 } jwks && !jwks.Contains(kid, StringComparison.Ordinal) ? jwks : null,
            "the revoked kid gone from the JWKS",
            TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task Missing_objects_and_missing_permissions_are_one_clear_line()
    {
        // A second API server with RBAC on and no operator: a user with no permission at all, and no signing Secret.
        await using var server = await AppKeys.LocalApiServer.LocalKubernetesApiServer.StartAsync(new AppKeys.LocalApiServer.LocalApiServerOptions { Authorization = AppKeys.LocalApiServer.Authorization.AuthorizationMode.Rbac });
        var scratch = Directory.CreateTempSubdirectory("appkeys-plugin-rbac-");
        try
        {
            var admin = server.WriteKubeconfig(Path.Combine(scratch.FullName, "admin"));
            var kubectl = new Kubectl(admin);
            (await kubectl.RunAsync(["apply", "-f", RepositoryRoot.Combine("config", "crd", "bases")], timeout: TimeSpan.FromMinutes(1))).EnsureSuccess();
            (await kubectl.RunAsync(["create", "namespace", Ns])).EnsureSuccess();
            var bob = Path.Combine(scratch.FullName, "bob");
            await File.WriteAllTextAsync(bob, System.Text.RegularExpressions.Regex.Replace(server.KubeconfigYaml, "token: .*", "token: " + server.IssueToken("bob")));

            async Task<(int, string)> AsAsync(string kubeconfig, params string[] args)
            {
                using var writer = new StringWriter();
                var code = await PluginCommandLine.Build(writer, TimeProvider.System).Parse([.. args, "-n", Ns, "--kubeconfig", kubeconfig]).InvokeAsync();
                return (code, writer.ToString());
            }

            var (forbidden, text) = await AsAsync(bob, "revoke", "shop-orders");
            output.WriteLine(text);
            Assert.Equal(1, forbidden);
            Assert.StartsWith("error: applicationkeys.appkeys.io \"shop-orders\" is forbidden: User \"bob\" cannot get resource \"applicationkeys\"", text, StringComparison.Ordinal);
            Assert.Contains("hint: kubectl auth can-i --list", text, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);

            var (rotateForbidden, rotateText) = await AsAsync(bob, "rotate-signing-key");
            Assert.Equal(1, rotateForbidden);
            Assert.Contains("is forbidden: User \"bob\" cannot patch resource \"secrets\"", rotateText, StringComparison.Ordinal);

            var (noSecret, noSecretText) = await AsAsync(admin, "rotate-signing-key");
            Assert.Equal(1, noSecret);
            Assert.StartsWith("error: Secret appkeys-system/appkeys-signing-keys not found (is the operator running", noSecretText, StringComparison.Ordinal);
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Kubectl_finds_the_plugin_on_path()
    {
        var pluginDir = RepositoryRoot.OutputOf("src", "AppKeys.KubectlPlugin");
        Assert.True(File.Exists(Path.Combine(pluginDir, "kubectl-appkeys")), $"no kubectl-appkeys in {pluginDir}");
        var result = await ProcessRunner.RunAsync(
            World.Kubectl.Binary,
            ["appkeys", "list", "-n", Ns],
            environment: new Dictionary<string, string?>
            {
                ["PATH"] = pluginDir + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH"),
                ["KUBECONFIG"] = World.Kubectl.Kubeconfig,
            });
        Assert.Contains("shop-orders", result.EnsureSuccess().StdOut, StringComparison.Ordinal);
    }

    private async Task<(int Code, string Output)> PluginAsync(params string[] args)
    {
        using var writer = new StringWriter();
        var code = await PluginCommandLine.Build(writer, TimeProvider.System)
            .Parse([.. args, "-n", Ns, "--kubeconfig", World.Kubectl.Kubeconfig!])
            .InvokeAsync();
        return (code, writer.ToString());
    }

    private async Task<string> AnnotationAsync(string kind, string name, string ns, string annotation) =>
        (await World.Kubectl.RunAsync("get", kind, name, "-n", ns, "-o", $"jsonpath={{.metadata.annotations.{annotation.Replace(".", "\\.", StringComparison.Ordinal)}}}")).EnsureSuccess().StdOut.Trim();

    private async Task<string> TokenAsync()
    {
        var data = (await World.Kubectl.RunAsync("get", "secret", "shop-orders", "-n", Ns, "-o", "jsonpath={.data.accessToken}")).EnsureSuccess().StdOut;
        return Encoding.UTF8.GetString(Convert.FromBase64String(data));
    }

    private async Task<long> RevisionAsync()
    {
        var (_, json) = await PluginAsync("status", "appkey", "shop-orders", "-o", "json");
        return (long?)JsonNode.Parse(json)!["status"]?["revision"] ?? 0;
    }

    /// <summary>Neither the token nor a consumer secret may appear on a status screen.</summary>
    private async Task AssertNoSecretAsync(string screen)
    {
        Assert.DoesNotContain(await TokenAsync(), screen, StringComparison.Ordinal);
        var secret = (await World.Kubectl.RunAsync("get", "secret", "shop-credentials", "-n", Ns, "-o", "jsonpath={.data.production\\.consumerSecret}")).EnsureSuccess().StdOut;
        Assert.DoesNotContain(Encoding.UTF8.GetString(Convert.FromBase64String(secret)), screen, StringComparison.Ordinal);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
