using AppKeys.Operator.Apis;

namespace AppKeys.Operator.Tests.Integration;

/// <summary>Rotation without downtime: a regenerated consumer secret's predecessor stays usable for the grace period.</summary>
[Collection(OperatorCollection.Name)]
public sealed class SecretRotationTests(OperatorFixture f)
{
    // Short enough to keep the test quick, long enough for the key's new token to be written well within it.
    private const int GracePeriodSeconds = 10;

    [Fact]
    public async Task A_regenerated_secret_and_its_predecessor_are_both_served_until_the_grace_period_ends()
    {
        var ns = await f.CreateNamespaceAsync("rotation");
        await f.CreateApplicationAsync(ns, "app", s => s.SecretRotation = new V1Alpha1SecretRotation { GracePeriodSeconds = GracePeriodSeconds });
        await f.CreateKeyAsync(ns, "k", "app");
        await f.WaitKeyReadyAsync(ns, "k", revision: 1);
        var before = await f.SecretDataAsync(ns, "app-credentials");
        Assert.True(before.ContainsKey("production.consumerSecretCreatedAt"));
        Assert.False(before.ContainsKey("production.previousConsumerSecret"));
        Assert.False((await f.SecretDataAsync(ns, "k")).ContainsKey("previousConsumerSecret"));

        await f.Applications.PatchAnnotationAsync(ns, "app", AppKeysAnnotations.RegenerateSecret, "rotate-1");
        await f.WaitKeyReadyAsync(ns, "k", revision: 2);

        // Both secrets, in the Application's Secret and in the key's Secret.
        var during = await f.SecretDataAsync(ns, "app-credentials");
        var keyDuring = await f.SecretDataAsync(ns, "k");
        Assert.NotEqual(before["production.consumerSecret"], during["production.consumerSecret"]);
        Assert.Equal(before["production.consumerSecret"], during["production.previousConsumerSecret"]);
        Assert.NotNull(Controllers.Rfc3339.Parse(during["production.previousConsumerSecretExpiresAt"]));
        Assert.Equal(during["production.consumerSecret"], keyDuring["consumerSecret"]);
        Assert.Equal(before["production.consumerSecret"], keyDuring["previousConsumerSecret"]);

        var app = await Eventually.GetAsync(
            () => f.Applications.GetAsync("app", ns),
            a => a?.Status?.Keys?.SingleOrDefault()?.PreviousSecretExpiresAt is not null,
            "Application status reports when the previous secret expires");
        Assert.NotNull(app.Status.Keys![0].SecretCreatedAt);

        // After the grace period: only the new secret, and the key keeps its token (no new issuance for the removal).
        var timeout = TimeSpan.FromSeconds(GracePeriodSeconds + 20);
        var after = await Eventually.GetAsync(
            () => f.Secrets.GetAsync("app-credentials", ns),
            s => s is not null && !s.Data.ContainsKey("production.previousConsumerSecret") && !s.Data.ContainsKey("production.previousConsumerSecretExpiresAt"),
            "the previous consumer secret removed from the Application's Secret",
            timeout);
        f.Remember(after);
        var keyAfter = await Eventually.GetAsync(
            () => f.Secrets.GetAsync("k", ns),
            s => s is not null && !s.Data.ContainsKey("previousConsumerSecret"),
            "the previous consumer secret removed from the key's Secret",
            timeout);
        f.Remember(keyAfter);
        Assert.Equal(keyDuring["accessToken"], System.Text.Encoding.UTF8.GetString(keyAfter.Data["accessToken"]));
        Assert.Equal(during["production.consumerSecret"], System.Text.Encoding.UTF8.GetString(keyAfter.Data["consumerSecret"]));
        var key = await f.WaitKeyReadyAsync(ns, "k", revision: 2);
        Assert.Equal(2, key.Status.Revision);

        await Eventually.GetAsync(
            () => f.Applications.GetAsync("app", ns),
            a => a?.Status?.Keys?.SingleOrDefault() is { PreviousSecretExpiresAt: null, SecretCreatedAt: not null },
            "Application status without a previous secret");
        var events = await Eventually.GetAsync(
            async () => (await f.Events.ListAsync(ns)).Items,
            items => items is not null && items.Any(e => e.Reason == "PreviousConsumerSecretExpired"),
            "a PreviousConsumerSecretExpired event");
        Assert.Contains(events, e => e.Reason == "ConsumerSecretRegenerated" && e.Message.Contains("stays valid until", StringComparison.Ordinal));
        Assert.Empty(await f.FindLeaksAsync());
    }
}
