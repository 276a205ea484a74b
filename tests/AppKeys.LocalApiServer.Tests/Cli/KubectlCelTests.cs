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

    [Fact]
    public async Task Application_key_rules_reject_as_a_cluster_prints_them()
    {
        var ns = await InstallAsync();

        Assert.Equal("""The ApplicationKey "zero" is invalid: spec.validityPeriod: Invalid value: "integer": validityPeriod must be at least 600 seconds, or negative for a token that never expires""",
            await RejectedAsync(ns, """
                apiVersion: appkeys.io/v1alpha1
                kind: ApplicationKey
                metadata: {name: zero}
                spec: {applicationRef: {name: app}, validityPeriod: 0}
                """));
        Assert.Equal("""The ApplicationKey "late" is invalid: spec: Invalid value: "object": renewBefore must be at most validityPeriod - 300 (a token is used for at least 5 minutes before it is replaced)""",
            await RejectedAsync(ns, """
                apiVersion: appkeys.io/v1alpha1
                kind: ApplicationKey
                metadata: {name: late}
                spec: {applicationRef: {name: app}, validityPeriod: 600, renewBefore: 600}
                """));

        // Never-expiring keys (negative validity) may set any renewBefore; the default validity (3600) applies first.
        Assert.Equal("applicationkey.appkeys.io/forever created\n", await fx.OkStdinAsync("""
            apiVersion: appkeys.io/v1alpha1
            kind: ApplicationKey
            metadata: {name: forever}
            spec: {applicationRef: {name: app}, validityPeriod: -1, renewBefore: 600}
            """, "apply", "-n", ns, "-f", "-"));
        Assert.Equal("""The ApplicationKey "default" is invalid: spec: Invalid value: "object": renewBefore must be at most validityPeriod - 300 (a token is used for at least 5 minutes before it is replaced)""",
            await RejectedAsync(ns, """
                apiVersion: appkeys.io/v1alpha1
                kind: ApplicationKey
                metadata: {name: default}
                spec: {applicationRef: {name: app}, renewBefore: 3600}
                """));

        // An update is checked as well: kubectl patch shows the same text.
        var patch = await fx.FailAsync("patch", "applicationkey", "forever", "-n", ns, "--type=merge", "-p", """{"spec":{"validityPeriod":0,"renewBefore":null}}""");
        Assert.Equal("""The ApplicationKey "forever" is invalid: spec.validityPeriod: Invalid value: "integer": validityPeriod must be at least 600 seconds, or negative for a token that never expires""",
            patch.StdErr.Trim());
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
