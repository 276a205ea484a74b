using System.Text;
using System.Text.Json.Nodes;
using AppKeys.E2E.Tests.Support;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Xunit.Abstractions;

namespace AppKeys.E2E.Tests.Scenario;

/// <summary>
/// The end-to-end story, driven only through kubectl so it runs unchanged against a real cluster (make e2e) and the
/// local API server with the operator in process (make test): apply the samples into a fresh namespace, wait for
/// Ready, check the Secrets, verify JWTs against the published JWKS, renew a token, regenerate a consumer secret,
/// then delete everything and check the Secrets are cleaned up.
/// </summary>
/// <param name="kubectl">kubectl bound to the cluster, as a cluster admin.</param>
/// <param name="output">Where progress is written (never secret material).</param>
/// <param name="timeout">How long each asynchronous step may take.</param>
/// <param name="operatorNamespace">The operator's namespace (where the JWKS ConfigMap is).</param>
/// <param name="applyFlags">Extra <c>kubectl apply</c> flags (<c>--validate=false</c> where the server has no OpenAPI).</param>
internal sealed class KeyLifecycleScenario(Kubectl kubectl, ITestOutputHelper output, TimeSpan? timeout = null, string operatorNamespace = "appkeys-system", IReadOnlyList<string>? applyFlags = null)
{
    private static readonly string[] KeySecretKeys = ["consumerKey", "consumerSecret", "accessToken", "expiresAt", "scopes", "keyType", "tokenType"];
    private readonly TimeSpan _timeout = timeout ?? TimeSpan.FromSeconds(60);

    public async Task RunAsync()
    {
        var ns = $"appkeys-e2e-{Guid.NewGuid().ToString("N")[..8]}";
        await Run("create", "namespace", ns);
        try
        {
            var samples = SampleFiles();
            await Run([.. new[] { "apply", "-n", ns }, .. applyFlags ?? [], .. samples.SelectMany(f => new[] { "-f", f })]);
            var sampleObjects = samples.SelectMany(f => Yaml.LoadObjects(File.ReadAllText(f))).ToList();
            var applications = sampleObjects.Where(o => o.Kind() == "Application").Select(o => o.Name()!).ToList();
            var keys = sampleObjects.Where(o => o.Kind() == "ApplicationKey").Select(o => o.Name()!).ToList();
            Assert.NotEmpty(applications);
            Assert.NotEmpty(keys);

            foreach (var app in applications)
            {
                await WaitReadyAsync(ns, "application", app);
            }

            var jwtKeys = new List<string>();
            foreach (var key in keys)
            {
                var status = (await WaitReadyAsync(ns, "applicationkey", key))["status"]!;
                await CheckKeySecretAsync(ns, key, status);
                if ((string?)status["tokenType"] == "JWT")
                {
                    jwtKeys.Add(key);
                }
            }

            // Renew a JWT key when there is one, so the renewed token is verified against the JWKS too.
            await RenewAsync(ns, jwtKeys.FirstOrDefault() ?? keys[0]);
            await RegenerateConsumerSecretAsync(ns, applications[0]);
            await DeleteAndCheckCleanupAsync(ns, keys, applications);
        }
        finally
        {
            await kubectl.RunAsync(["delete", "namespace", ns, "--wait=false", "--ignore-not-found"]);
        }
    }

    private async Task CheckKeySecretAsync(string ns, string key, JsonNode status)
    {
        var secretName = (string)status["secretName"]!;
        var data = await SecretDataAsync(ns, secretName) ?? throw new InvalidOperationException($"Secret {ns}/{secretName} of key {key} is missing");
        Assert.All(KeySecretKeys, k => Assert.True(data.ContainsKey(k), $"Secret {secretName} lacks '{k}'"));
        Assert.Equal((string?)status["consumerKey"], data["consumerKey"]);
        Assert.Equal((string?)status["tokenType"], data["tokenType"]);
        if (data["tokenType"] == "JWT")
        {
            var jwt = await VerifyJwtAsync(data["accessToken"], data["consumerKey"]);
            Assert.Equal((string?)status["tokenId"], jwt.Id);
        }

        output.WriteLine($"key {key}: Secret {secretName} holds a {data["tokenType"]} token {(string?)status["tokenId"]} (expires {data["expiresAt"]})");
    }

    private async Task<JsonWebToken> VerifyJwtAsync(string token, string consumerKey)
    {
        var jwks = new JsonWebKeySet(await JwksAsync());
        var parsed = new JsonWebToken(token);
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = parsed.TryGetPayloadValue<long>("exp", out _),
            RequireExpirationTime = false,
        });
        Assert.True(result.IsValid, $"the token does not verify against the published JWKS: {result.Exception?.GetType().Name}");
        Assert.Equal(consumerKey, parsed.GetPayloadValue<string>("client_id"));
        return parsed;
    }

    private async Task RenewAsync(string ns, string key)
    {
        var before = (await GetAsync(ns, "applicationkey", key))["status"]!;
        var oldTokenId = (string)before["tokenId"]!;
        var oldToken = (await SecretDataAsync(ns, (string)before["secretName"]!))!["accessToken"];
        await Run("annotate", "-n", ns, "applicationkey", key, $"appkeys.io/renew=e2e-{Guid.NewGuid():N}", "--overwrite");
        var after = await Eventually.GetAsync(async () =>
        {
            var o = await GetAsync(ns, "applicationkey", key);
            return (string?)o["status"]?["tokenId"] != oldTokenId && IsReady(o) ? o["status"] : null;
        }, $"a new token for {key} after appkeys.io/renew", _timeout);
        var data = (await SecretDataAsync(ns, (string)after!["secretName"]!))!;
        Assert.NotEqual(oldToken, data["accessToken"]);
        Assert.True((long)after["revision"]! > (long)before["revision"]!);
        if (data["tokenType"] == "JWT")
        {
            Assert.Equal((string?)after["tokenId"], (await VerifyJwtAsync(data["accessToken"], data["consumerKey"])).Id);
        }

        output.WriteLine($"key {key}: renewed, token {oldTokenId} -> {(string?)after["tokenId"]}");
    }

    private async Task RegenerateConsumerSecretAsync(string ns, string app)
    {
        var status = (await GetAsync(ns, "application", app))["status"]!;
        var secretName = (string)status["secretName"]!;
        var before = (await SecretDataAsync(ns, secretName))!;
        await Run("annotate", "-n", ns, "application", app, $"appkeys.io/regenerate-secret=e2e-{Guid.NewGuid():N}", "--overwrite");
        var after = await Eventually.GetAsync(async () =>
        {
            var data = await SecretDataAsync(ns, secretName);
            return data is not null && before.Where(kv => kv.Key.EndsWith(".consumerSecret", StringComparison.Ordinal)).All(kv => data.GetValueOrDefault(kv.Key) is { } v && v != kv.Value) ? data : null;
        }, $"new consumer secrets in {secretName}", _timeout);
        foreach (var consumerKey in before.Where(kv => kv.Key.EndsWith(".consumerKey", StringComparison.Ordinal)))
        {
            Assert.Equal(consumerKey.Value, after[consumerKey.Key]);
        }

        output.WriteLine($"application {app}: consumer secrets regenerated, consumer keys kept");
    }

    private async Task DeleteAndCheckCleanupAsync(string ns, List<string> keys, List<string> applications)
    {
        var secrets = new List<string>();
        foreach (var key in keys)
        {
            secrets.Add((string)(await GetAsync(ns, "applicationkey", key))["status"]!["secretName"]!);
        }

        foreach (var app in applications)
        {
            secrets.Add((string)(await GetAsync(ns, "application", app))["status"]!["secretName"]!);
        }

        await Run([.. new[] { "delete", "-n", ns, "applicationkeys" }, .. keys, "--wait=true", "--timeout=60s"]);
        await Run([.. new[] { "delete", "-n", ns, "applications" }, .. applications, "--wait=true", "--timeout=60s"]);
        foreach (var secret in secrets.Distinct())
        {
            await Eventually.GetAsync(async () =>
                (await kubectl.RunAsync("get", "secret", "-n", ns, secret, "--ignore-not-found", "-o", "name")).EnsureSuccess().StdOut.Trim().Length == 0 ? "gone" : null, $"Secret {ns}/{secret} to be deleted with its owner", _timeout);
        }

        output.WriteLine($"deleted {keys.Count} keys and {applications.Count} applications; their {secrets.Distinct().Count()} Secrets are gone");
    }

    private async Task<JsonNode> WaitReadyAsync(string ns, string resource, string name) =>
        await Eventually.GetAsync(async () =>
        {
            var o = await GetAsync(ns, resource, name);
            return IsReady(o) ? o : null;
        }, $"{resource} {ns}/{name} to be Ready", _timeout);

    private static bool IsReady(JsonNode o) =>
        o["status"]?["conditions"]?.AsArray().Any(c => (string?)c!["type"] == "Ready" && (string?)c["status"] == "True"
            && (long?)c["observedGeneration"] == (long?)o["metadata"]!["generation"]) == true;

    private async Task<JsonNode> GetAsync(string ns, string resource, string name) =>
        JsonNode.Parse((await Run("get", "-n", ns, resource, name, "-o", "json")).StdOut)!;

    private async Task<Dictionary<string, string>?> SecretDataAsync(string ns, string name)
    {
        var result = await kubectl.RunAsync("get", "secret", "-n", ns, name, "-o", "json", "--ignore-not-found");
        var text = result.EnsureSuccess().StdOut.Trim();
        if (text.Length == 0)
        {
            return null;
        }

        return (JsonNode.Parse(text)!["data"]?.AsObject() ?? [])
            .ToDictionary(kv => kv.Key, kv => Encoding.UTF8.GetString(Convert.FromBase64String((string)kv.Value!)));
    }

    // The operator publishes its JWKS in ConfigMap appkeys-jwks (key jwks.json) in its own namespace.
    private async Task<string> JwksAsync() =>
        (string)JsonNode.Parse((await Run("get", "configmap", "appkeys-jwks", "-n", operatorNamespace, "-o", "json")).StdOut)!["data"]!["jwks.json"]!;

    private Task<ProcessResult> Run(params string[] args) => Run((IEnumerable<string>)args);

    private async Task<ProcessResult> Run(IEnumerable<string> args) => (await kubectl.RunAsync(args)).EnsureSuccess();

    private static List<string> SampleFiles() =>
        Directory.GetFiles(RepositoryRoot.Combine("config", "samples"), "*.yaml")
            .Where(f => Path.GetFileName(f) != "kustomization.yaml")
            .Where(f => Yaml.LoadObjects(File.ReadAllText(f)).All(o => ((string?)o["apiVersion"])?.StartsWith("appkeys.io/", StringComparison.Ordinal) == true))
            .Order()
            .ToList();
}
