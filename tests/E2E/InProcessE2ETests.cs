using System.Text.Json.Nodes;
using AppKeys.E2E.Tests.Scenario;
using AppKeys.E2E.Tests.Support;
using Xunit.Abstractions;

namespace AppKeys.E2E.Tests;

/// <summary>
/// The real-cluster scenario on every `make test`: config/default applied with kubectl to the local API server, the
/// operator in process as its ServiceAccount, then the same <see cref="KeyLifecycleScenario"/> as ClusterE2ETests.
/// </summary>
public sealed class InProcessE2ETests(ITestOutputHelper output) : IAsyncLifetime
{
    private InProcessOperator? _operator;

    private InProcessOperator Operator => _operator ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() => _operator = await InProcessOperator.StartAsync();

    public async Task DisposeAsync()
    {
        if (_operator is not null)
        {
            await _operator.DisposeAsync();
        }
    }

    [SkippableFact]
    public async Task Kubectl_apply_k_config_default_creates_every_object()
    {
        Skip.If(Operator.Unsupported is not null, Operator.Unsupported);
        output.WriteLine(Operator.ApplyOutput);
        foreach (var o in await Manifests.KustomizeAsync("config/default"))
        {
            var resource = $"{o.Kind()!.ToLowerInvariant()}.{Group(o)}/{o.Name()}".Replace("./", "/", StringComparison.Ordinal);
            var args = o.Namespace() is { } ns ? new[] { "get", resource, "-n", ns, "-o", "json" } : ["get", resource, "-o", "json"];
            var stored = JsonNode.Parse((await Operator.Kubectl.RunAsync(args)).EnsureSuccess().StdOut)!;
            Assert.Equal(o.Name(), stored.Name());
        }

        // Applying again changes nothing and still succeeds.
        var again = (await Operator.Kubectl.RunAsync(Operator.ApplyArguments)).EnsureSuccess();
        Assert.DoesNotContain(" created", again.StdOut, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Kubectl_apply_k_config_default_passes_kubectl_validation()
    {
        Skip.If(Operator.Unsupported is not null, Operator.Unsupported);
        Skip.IfNot(Operator.OpenApiServed,
            "the local API server does not serve /openapi/v3 yet, so kubectl's default validating apply cannot run; "
            + "config/default was applied with --validate=false");
        var strict = (await Operator.Kubectl.RunAsync(["apply", "-k", RepositoryRoot.Combine("config", "default"), "--validate=strict"])).EnsureSuccess();
        output.WriteLine(strict.StdOut);
    }

    [SkippableFact]
    public async Task Key_lifecycle_scenario_passes_against_the_local_api_server()
    {
        Skip.If(Operator.Unsupported is not null, Operator.Unsupported);
        string[] applyFlags = Operator.OpenApiServed ? [] : ["--validate=false"];
        await new KeyLifecycleScenario(Operator.Kubectl, output, TimeSpan.FromSeconds(60), applyFlags: applyFlags).RunAsync();
    }

    private static string Group(JsonObject o)
    {
        var apiVersion = (string)o["apiVersion"]!;
        return apiVersion.Contains('/', StringComparison.Ordinal) ? apiVersion[..apiVersion.IndexOf('/', StringComparison.Ordinal)] : string.Empty;
    }
}
