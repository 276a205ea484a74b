using AppKeys.Operator.Apis;
using AppKeys.Operator.Dev;
using AppKeys.Runtime.Client;
using k8s.Models;

namespace AppKeys.Operator.Tests.Integration;

[Collection(OperatorCollection.Name)]
public sealed class ApplicationLifecycleTests(OperatorFixture f)
{
    [Fact]
    public async Task Keys_wait_for_their_application_and_report_every_refusal()
    {
        var ns = await f.CreateNamespaceAsync("reasons");
        await f.CreateKeyAsync(ns, "early", "late-app");
        await f.WaitKeyReasonAsync(ns, "early", ConditionReasons.ApplicationNotFound);

        await f.CreateApplicationAsync(ns, "late-app", s => s.AllowedScopes = ["read"]);
        await f.WaitKeyReadyAsync(ns, "early");

        await f.CreateKeyAsync(ns, "sandbox", "late-app", s => s.KeyType = KeyTypes.Sandbox);
        await f.WaitKeyReasonAsync(ns, "sandbox", ConditionReasons.KeyTypeNotEnabled);

        await f.CreateKeyAsync(ns, "greedy", "late-app", s => s.Scopes = ["read", "admin"]);
        var greedy = await f.WaitKeyReasonAsync(ns, "greedy", ConditionReasons.ScopeNotAllowed);
        Assert.Contains("admin", FixtureExtensions.Ready(greedy)!.Message, StringComparison.Ordinal);
        Assert.Null(await f.Secrets.GetAsync("greedy", ns));

        // The API server refuses a CEL rule at admission, as a cluster does (the operator's own check is defence in depth).
        var zero = await Assert.ThrowsAsync<AppKeys.Runtime.Client.KubernetesApiException>(() => f.CreateKeyAsync(ns, "zero", "late-app", s => s.ValidityPeriod = 0));
        Assert.Equal(422, (int)zero.StatusCode);
        Assert.Contains("validityPeriod must be at least 600 seconds", zero.Message, StringComparison.Ordinal);
        Assert.Null(await f.Secrets.GetAsync("zero", ns));

        // Enabling Sandbox on the Application makes the waiting key Ready.
        await f.Applications.PatchAsync("late-app", ns, new ResourcePatch("""{"spec":{"keyTypes":["Production","Sandbox"]}}""", ResourcePatchType.MergePatch));
        await f.WaitKeyReadyAsync(ns, "sandbox");

        // Events say why, with the same reasons.
        var events = await Eventually.GetAsync(
            async () => (await f.Events.ListAsync(ns)).Items,
            items => items is not null && items.Any(e => e.Reason == ConditionReasons.ScopeNotAllowed) && items.Any(e => e.Reason == "Issued"),
            "ScopeNotAllowed and Issued events");
    }

    [Fact]
    public async Task Credentials_are_stable_and_a_regenerated_consumer_secret_reaches_the_key_secret()
    {
        var ns = await f.CreateNamespaceAsync("regen");
        await f.CreateApplicationAsync(ns, "app");
        await f.CreateKeyAsync(ns, "k", "app");
        await f.WaitKeyReadyAsync(ns, "k", revision: 1);
        var before = await f.SecretDataAsync(ns, "app-credentials");
        var app = await f.WaitApplicationReadyAsync(ns, "app");

        // An unrelated edit changes nothing.
        await f.Applications.PatchAsync("app", ns, new ResourcePatch("""{"spec":{"description":"edited"}}""", ResourcePatchType.MergePatch));
        await Eventually.GetAsync(() => f.Applications.GetAsync("app", ns), a => a?.Status.ObservedGeneration == 2, "Application observes generation 2");
        Assert.Equal(before, await f.SecretDataAsync(ns, "app-credentials"));

        await f.Applications.PatchAnnotationAsync(ns, "app", AppKeysAnnotations.RegenerateSecret, "rotate-1");
        var key = await f.WaitKeyReadyAsync(ns, "k", revision: 2);
        var after = await f.SecretDataAsync(ns, "app-credentials");
        var keyData = await f.SecretDataAsync(ns, "k");

        Assert.Equal(before["production.consumerKey"], after["production.consumerKey"]);
        Assert.Equal(before["applicationId"], after["applicationId"]);
        Assert.NotEqual(before["production.consumerSecret"], after["production.consumerSecret"]);
        Assert.Equal(after["production.consumerSecret"], keyData["consumerSecret"]);
        Assert.Equal(before["production.consumerKey"], keyData["consumerKey"]);
        Assert.Equal(app.Status.ApplicationId, after["applicationId"]);
        Assert.Equal(before["production.consumerKey"], key.Status.ConsumerKey);
    }

    [Fact]
    public async Task Deleting_an_application_revokes_its_keys_and_deleting_a_key_deletes_its_secret()
    {
        var ns = await f.CreateNamespaceAsync("delete");
        await f.CreateApplicationAsync(ns, "app");
        await f.CreateKeyAsync(ns, "k1", "app");
        await f.CreateKeyAsync(ns, "k2", "app", s => s.SecretName = "k2-token");
        await f.WaitKeyReadyAsync(ns, "k1");
        await f.WaitKeyReadyAsync(ns, "k2");

        await f.Keys.DeleteAsync("k1", ns);
        await Eventually.GetAsync(async () => await f.Secrets.GetAsync("k1", ns) is null ? "gone" : null, "Secret k1 deleted with its key");

        await f.Applications.DeleteAsync("app", ns);
        var revoked = await f.WaitKeyReasonAsync(ns, "k2", ConditionReasons.ApplicationNotFound);
        await Eventually.GetAsync(async () => await f.Secrets.GetAsync("k2-token", ns) is null ? "gone" : null, "Secret k2-token deleted on revocation");
        await Eventually.GetAsync(async () => await f.Secrets.GetAsync("app-credentials", ns) is null ? "gone" : null, "application Secret deleted with the Application");
        Assert.Null(revoked.Status.TokenId);
        Assert.Null(revoked.Status.ExpiresAt);
        Assert.Equal(1, revoked.Status.Revision);
    }

    [Fact]
    public async Task An_application_never_overwrites_a_foreign_secret()
    {
        var ns = await f.CreateNamespaceAsync("appconflict");
        var foreign = await f.Secrets.CreateAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "app-credentials", NamespaceProperty = ns },
            StringData = new Dictionary<string, string> { ["keep"] = "me" },
        });
        await f.CreateApplicationAsync(ns, "app");
        await Eventually.GetAsync(
            () => f.Applications.GetAsync("app", ns),
            a => a?.Status.Conditions?.Any(c => c.Reason == ConditionReasons.SecretConflict) == true,
            "Application Ready=False SecretConflict");
        Assert.Equal(foreign.Metadata.ResourceVersion, (await f.Secrets.GetAsync("app-credentials", ns))!.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Every_sample_becomes_ready()
    {
        var ns = await f.CreateNamespaceAsync("samples");
        var applied = await ManifestInstaller.ApplySamplesAsync(f.Client, RepositoryRoot.Combine("config", "samples"), ns, CancellationToken.None);
        var keys = applied.Where(a => a.StartsWith("ApplicationKey ", StringComparison.Ordinal)).Select(a => a.Split('/')[1]).ToList();
        Assert.True(keys.Count >= 5, $"samples define {keys.Count} keys");
        foreach (var key in keys)
        {
            await f.WaitKeyReadyAsync(ns, key);
        }

        var forever = (await f.Keys.GetAsync("storefront-forever", ns))!;
        Assert.Null(forever.Status.ExpiresAt);
        Assert.Equal("Opaque", (await f.Keys.GetAsync("billing", ns))!.Status.TokenType);
        Assert.Equal("Sandbox", (await f.Keys.GetAsync("storefront-sandbox", ns))!.Status.KeyType);
    }
}
