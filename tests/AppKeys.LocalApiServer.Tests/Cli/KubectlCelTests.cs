namespace AppKeys.LocalApiServer.Tests.Cli;

/// <summary>
/// The CEL rules of our own CRDs (config/crd/bases) enforced at admission, as kubectl prints a 1.32 cluster's
/// rejections: <c>The ApplicationKey "x" is invalid: spec: Invalid value: "object": &lt;message&gt;</c>.
/// </summary>
public sealed class KubectlCelTests(KubectlFixture fx) : IClassFixture<KubectlFixture>
{
    private async Task<string> InstallAsync()
    {
        await fx.OkAsync("apply", "--server-side", "-f", RepositoryRoot.Combine("config", "crd", "bases"));
        return await fx.NewNamespaceAsync();
    }

    private async Task<string> RejectedAsync(string ns, string manifest)
    {
        var r = await fx.Kubectl.RunAsync(["apply", "-n", ns, "-f", "-"], manifest);
        Assert.True(r.ExitCode != 0, r.ToString());
        return r.StdErr.Trim();
    }

    private const string ValidityRule = "validityPeriod must be at least 600 seconds, or negative for a token that never expires";
    private const string RenewBeforeRule = "renewBefore must be at most validityPeriod - 300 (a token is used for at least 5 minutes before it is replaced)";

    private static string Key(string name, string spec) => $$"""
        apiVersion: appkeys.io/v1alpha1
        kind: ApplicationKey
        metadata: {name: {{name}}}
        spec: {applicationRef: {name: app}, {{spec}}}
        """;

    [Theory]
    [InlineData("zero", "validityPeriod: 0", "spec.validityPeriod: Invalid value: \"integer\": " + ValidityRule)]
    [InlineData("late", "validityPeriod: 600, renewBefore: 600", "spec: Invalid value: \"object\": " + RenewBeforeRule)]
    // The default validity (3600) applies before the rules run.
    [InlineData("default", "renewBefore: 3600", "spec: Invalid value: \"object\": " + RenewBeforeRule)]
    public async Task Application_key_rules_reject_as_a_cluster_prints_them(string name, string spec, string error)
    {
        var ns = await InstallAsync();
        Assert.Equal($"The ApplicationKey \"{name}\" is invalid: {error}", await RejectedAsync(ns, Key(name, spec)));
    }

    [Fact]
    public async Task A_never_expiring_key_may_set_any_renewBefore_and_an_update_is_checked_too()
    {
        var ns = await InstallAsync();
        Assert.Equal("applicationkey.appkeys.io/forever created\n",
            await fx.OkStdinAsync(Key("forever", "validityPeriod: -1, renewBefore: 600"), "apply", "-n", ns, "-f", "-"));

        // kubectl patch shows the same text as a create.
        var patch = await fx.FailAsync("patch", "applicationkey", "forever", "-n", ns, "--type=merge", "-p", """{"spec":{"validityPeriod":0,"renewBefore":null}}""");
        Assert.Equal($"The ApplicationKey \"forever\" is invalid: spec.validityPeriod: Invalid value: \"integer\": {ValidityRule}", patch.StdErr.Trim());
    }

    [Fact]
    public async Task Application_secret_rotation_rule_rejects_as_a_cluster_prints_it()
    {
        var ns = await InstallAsync();
        Assert.Equal("""The Application "rotating" is invalid: spec.secretRotation: Invalid value: "object": gracePeriodSeconds must be less than periodSeconds""",
            await RejectedAsync(ns, """
                apiVersion: appkeys.io/v1alpha1
                kind: Application
                metadata: {name: rotating}
                spec: {owner: team, secretRotation: {periodSeconds: 3600, gracePeriodSeconds: 3600}}
                """));
        Assert.Equal("application.appkeys.io/rotating created\n", await fx.OkStdinAsync("""
            apiVersion: appkeys.io/v1alpha1
            kind: Application
            metadata: {name: rotating}
            spec: {owner: team, secretRotation: {periodSeconds: 7200, gracePeriodSeconds: 3600}}
            """, "apply", "-n", ns, "-f", "-"));
    }
}
