using System.Text;
using AppKeys.Credentials;
using AppKeys.Operator.Controllers.Applications;
using AppKeys.Operator.Tests.TestSupport;
using k8s;
using Microsoft.Extensions.Time.Testing;

namespace AppKeys.Operator.Tests.Applications;

/// <summary>
/// "What should the Application's Secret contain at time T" with <c>spec.secretRotation</c>: grace periods, expiry,
/// periodic regeneration and upgrades, on a fake clock and without a cluster.
/// </summary>
public class ApplicationCredentialsRotationTests
{
    private static readonly string[] Both = ["Production", "Sandbox"];
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan Period = TimeSpan.FromDays(1);

    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    private ApplicationCredentialsPlan Plan(IDictionary<string, byte[]>? existing, SecretRotationSettings? rotation, string? observed = null, string? request = null, IReadOnlyList<string>? keyTypes = null) =>
        ApplicationCredentialsPlanner.Plan(
            new CredentialsObservation(existing, null, observed, request, keyTypes ?? Both, rotation, clock.GetUtcNow(), _ => false),
            new CredentialSources(ConsumerCredentialGenerator.GenerateConsumerKey, ConsumerCredentialGenerator.GenerateConsumerSecret, Guid.NewGuid));

    private static string? Get(ApplicationCredentialsPlan plan, string key) =>
        plan.Data.TryGetValue(key, out var value) ? Encoding.UTF8.GetString(value) : null;

    private static bool SameData(ApplicationCredentialsPlan a, ApplicationCredentialsPlan b) =>
        a.Data.Count == b.Data.Count && a.Data.All(e => b.Data.TryGetValue(e.Key, out var v) && v.AsSpan().SequenceEqual(e.Value));

    [Fact]
    public void Without_rotation_the_secret_holds_exactly_what_it_always_held()
    {
        var first = Plan(null, null);
        Assert.Equal(
            ["applicationId", "production.consumerKey", "production.consumerSecret", "sandbox.consumerKey", "sandbox.consumerSecret"],
            first.Data.Keys.Order(StringComparer.Ordinal));
        Assert.Null(first.NextChange);
        Assert.Empty(first.SecretCreatedAt);

        clock.Advance(TimeSpan.FromDays(400));
        var later = Plan(first.Data, null, first.ObservedRegenerateRequest);
        Assert.False(later.HasChanges);
        Assert.True(SameData(first, later));

        // A regeneration without rotation replaces the secret at once: no previous secret, nothing to wake up for.
        var regenerated = Plan(later.Data, null, later.ObservedRegenerateRequest, request: "r1");
        Assert.Equal(RegenerationReasons.Requested, regenerated.Regenerated["Production"]);
        Assert.Equal(first.Data.Keys.Order(StringComparer.Ordinal), regenerated.Data.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(regenerated.PreviousSecretExpiresAt);
        Assert.Null(regenerated.NextChange);
    }

    [Fact]
    public void A_requested_regeneration_keeps_the_previous_secret_for_the_grace_period_then_removes_it()
    {
        var rotation = new SecretRotationSettings(Grace, null);
        var first = Plan(null, rotation);
        Assert.Equal("2026-03-01T12:00:00Z", Get(first, "production.consumerSecretCreatedAt"));
        Assert.Null(first.NextChange);

        clock.Advance(TimeSpan.FromHours(1));
        var regenerated = Plan(first.Data, rotation, first.ObservedRegenerateRequest, request: "r1");
        Assert.Equal(Both, regenerated.Regenerated.Keys);
        Assert.All(regenerated.Regenerated.Values, r => Assert.Equal(RegenerationReasons.Requested, r));
        foreach (var prefix in new[] { "production", "sandbox" })
        {
            Assert.Equal(Get(first, $"{prefix}.consumerSecret"), Get(regenerated, $"{prefix}.previousConsumerSecret"));
            Assert.NotEqual(Get(first, $"{prefix}.consumerSecret"), Get(regenerated, $"{prefix}.consumerSecret"));
            Assert.Equal("2026-03-01T13:10:00Z", Get(regenerated, $"{prefix}.previousConsumerSecretExpiresAt"));
            Assert.Equal("2026-03-01T13:00:00Z", Get(regenerated, $"{prefix}.consumerSecretCreatedAt"));
        }

        var expiry = new DateTimeOffset(2026, 3, 1, 13, 10, 0, TimeSpan.Zero);
        Assert.Equal(expiry, regenerated.PreviousSecretExpiresAt["Production"]);
        Assert.Equal(expiry, regenerated.NextChange);

        // During the grace period nothing changes (no write), and the reconciler wakes at the expiry.
        clock.Advance(Grace - TimeSpan.FromSeconds(1));
        var during = Plan(regenerated.Data, rotation, regenerated.ObservedRegenerateRequest, request: "r1");
        Assert.False(during.HasChanges);
        Assert.True(SameData(regenerated, during));
        Assert.Equal(expiry, during.NextChange);

        clock.Advance(TimeSpan.FromSeconds(1));
        var expired = Plan(during.Data, rotation, during.ObservedRegenerateRequest, request: "r1");
        Assert.Equal(Both, expired.PreviousExpired);
        Assert.Empty(expired.Regenerated);
        Assert.Empty(expired.PreviousSecretExpiresAt);
        Assert.Null(expired.NextChange);
        Assert.DoesNotContain(expired.Data.Keys, k => k.Contains("previous", StringComparison.Ordinal));
        Assert.Equal(Get(regenerated, "production.consumerSecret"), Get(expired, "production.consumerSecret"));

        var after = Plan(expired.Data, rotation, expired.ObservedRegenerateRequest, request: "r1");
        Assert.False(after.HasChanges);
    }

    [Fact]
    public void A_second_regeneration_in_a_grace_period_keeps_only_the_then_current_secret()
    {
        var rotation = new SecretRotationSettings(Grace, null);
        var first = Plan(null, rotation, keyTypes: ["Production"]);
        var once = Plan(first.Data, rotation, first.ObservedRegenerateRequest, request: "r1", keyTypes: ["Production"]);

        clock.Advance(TimeSpan.FromMinutes(5));
        var twice = Plan(once.Data, rotation, once.ObservedRegenerateRequest, request: "r2", keyTypes: ["Production"]);
        Assert.Equal(Get(once, "production.consumerSecret"), Get(twice, "production.previousConsumerSecret"));
        Assert.NotEqual(Get(first, "production.consumerSecret"), Get(twice, "production.previousConsumerSecret"));
        Assert.DoesNotContain(twice.Data.Values, v => Encoding.UTF8.GetString(v) == Get(first, "production.consumerSecret"));
        Assert.Equal("2026-03-01T12:15:00Z", Get(twice, "production.previousConsumerSecretExpiresAt"));
        Assert.Empty(twice.PreviousExpired);
    }

    [Fact]
    public void A_zero_grace_period_or_a_repaired_secret_keeps_no_previous_secret()
    {
        var noGrace = new SecretRotationSettings(TimeSpan.Zero, null);
        var first = Plan(null, noGrace, keyTypes: ["Production"]);
        var regenerated = Plan(first.Data, noGrace, first.ObservedRegenerateRequest, request: "r1", keyTypes: ["Production"]);
        Assert.Null(Get(regenerated, "production.previousConsumerSecret"));
        Assert.NotNull(Get(regenerated, "production.consumerSecretCreatedAt"));

        var rotation = new SecretRotationSettings(Grace, null);
        var broken = new Dictionary<string, byte[]>(regenerated.Data) { ["production.consumerSecret"] = "tooshort"u8.ToArray() };
        var repaired = Plan(broken, rotation, regenerated.ObservedRegenerateRequest, request: "r1", keyTypes: ["Production"]);
        Assert.Equal(RegenerationReasons.Repaired, repaired.Regenerated["Production"]);
        Assert.Null(Get(repaired, "production.previousConsumerSecret"));
    }

    [Fact]
    public void Periodic_rotation_regenerates_only_when_the_secret_is_older_than_the_period()
    {
        var rotation = new SecretRotationSettings(Grace, Period);
        var first = Plan(null, rotation);
        var due = new DateTimeOffset(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal(due, first.NextChange);

        clock.Advance(Period - TimeSpan.FromSeconds(1));
        var notDue = Plan(first.Data, rotation, first.ObservedRegenerateRequest);
        Assert.False(notDue.HasChanges);
        Assert.True(SameData(first, notDue));
        Assert.Equal(due, notDue.NextChange);

        clock.Advance(TimeSpan.FromSeconds(1));
        var rotated = Plan(notDue.Data, rotation, notDue.ObservedRegenerateRequest);
        Assert.Equal(Both, rotated.Regenerated.Keys);
        Assert.All(rotated.Regenerated.Values, r => Assert.Equal(RegenerationReasons.Periodic, r));
        Assert.Equal(Get(first, "production.consumerKey"), Get(rotated, "production.consumerKey"));
        Assert.Equal(Get(first, "production.consumerSecret"), Get(rotated, "production.previousConsumerSecret"));
        Assert.Equal("2026-03-02T12:00:00Z", Get(rotated, "production.consumerSecretCreatedAt"));

        // Next wake-up: the previous secret's expiry comes before the next period.
        Assert.Equal(due + Grace, rotated.NextChange);
        clock.Advance(Grace);
        var expired = Plan(rotated.Data, rotation, rotated.ObservedRegenerateRequest);
        Assert.Equal(Both, expired.PreviousExpired);
        Assert.Empty(expired.Regenerated);
        Assert.Equal(due + Period, expired.NextChange);
    }

    [Fact]
    public void A_secret_without_a_creation_time_counts_as_created_now_and_is_not_regenerated_at_once()
    {
        // A Secret written by an older operator, or before secretRotation was set.
        var old = Plan(null, null);
        clock.Advance(TimeSpan.FromDays(800));

        var rotation = new SecretRotationSettings(Grace, Period);
        var upgraded = Plan(old.Data, rotation, old.ObservedRegenerateRequest);
        Assert.Empty(upgraded.Regenerated);
        Assert.Empty(upgraded.Generated);
        Assert.Equal(Get(old, "production.consumerSecret"), Get(upgraded, "production.consumerSecret"));
        Assert.Equal("2028-05-09T12:00:00Z", Get(upgraded, "production.consumerSecretCreatedAt"));
        Assert.Equal(clock.GetUtcNow() + Period, upgraded.NextChange);
    }

    [Fact]
    public void Disabling_a_key_type_drops_its_previous_secret_with_its_credentials()
    {
        var rotation = new SecretRotationSettings(Grace, null);
        var first = Plan(null, rotation);
        var regenerated = Plan(first.Data, rotation, first.ObservedRegenerateRequest, request: "r1");

        var productionOnly = Plan(regenerated.Data, rotation, regenerated.ObservedRegenerateRequest, request: "r1", keyTypes: ["Production"]);
        Assert.DoesNotContain(productionOnly.Data.Keys, k => k.StartsWith("sandbox.", StringComparison.Ordinal));
        Assert.Equal(Get(regenerated, "production.previousConsumerSecret"), Get(productionOnly, "production.previousConsumerSecret"));
        Assert.Equal(["Production"], productionOnly.PreviousSecretExpiresAt.Keys);
    }

    [Fact]
    public void Removing_rotation_or_shortening_the_grace_period_ends_a_running_grace_period()
    {
        var rotation = new SecretRotationSettings(Grace, null);
        var first = Plan(null, rotation, keyTypes: ["Production"]);
        var regenerated = Plan(first.Data, rotation, first.ObservedRegenerateRequest, request: "r1", keyTypes: ["Production"]);

        var shorter = Plan(regenerated.Data, new SecretRotationSettings(TimeSpan.FromMinutes(2), null), regenerated.ObservedRegenerateRequest, request: "r1", keyTypes: ["Production"]);
        Assert.Equal("2026-03-01T12:02:00Z", Get(shorter, "production.previousConsumerSecretExpiresAt"));

        var removed = Plan(regenerated.Data, null, regenerated.ObservedRegenerateRequest, request: "r1", keyTypes: ["Production"]);
        Assert.Equal(["Production"], removed.PreviousExpired);
        Assert.Equal(["applicationId", "production.consumerKey", "production.consumerSecret"], removed.Data.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(Get(regenerated, "production.consumerSecret"), Get(removed, "production.consumerSecret"));
    }

    [Fact]
    public void A_grace_period_ending_within_a_second_is_rounded_up_not_down()
    {
        clock.Advance(TimeSpan.FromMilliseconds(400));
        var rotation = new SecretRotationSettings(TimeSpan.FromSeconds(2), null);
        var first = Plan(null, rotation, keyTypes: ["Production"]);
        var regenerated = Plan(first.Data, rotation, first.ObservedRegenerateRequest, request: "r1", keyTypes: ["Production"]);
        Assert.Equal("2026-03-01T12:00:03Z", Get(regenerated, "production.previousConsumerSecretExpiresAt"));
        Assert.Equal("2026-03-01T12:00:00Z", Get(regenerated, "production.consumerSecretCreatedAt"));
    }

    [Fact]
    public void Status_reports_the_times_of_each_key_type_and_never_a_secret()
    {
        var app = TestObjects.Application(s => s.SecretRotation = new() { GracePeriodSeconds = 600 });
        var spec = EffectiveApplicationSpec.From(app);
        var first = Plan(null, spec.Rotation, keyTypes: spec.KeyTypes);
        clock.Advance(TimeSpan.FromHours(1));
        var regenerated = Plan(first.Data, spec.Rotation, first.ObservedRegenerateRequest, request: "r1", keyTypes: spec.KeyTypes);

        var status = ApplicationStatusBuilder.Ready(app, spec, regenerated, new() { Name = spec.SecretName }, clock.GetUtcNow());
        var entry = Assert.Single(status.Keys!);
        Assert.Equal(new DateTime(2026, 3, 1, 13, 0, 0, DateTimeKind.Utc), entry.SecretCreatedAt);
        Assert.Equal(new DateTime(2026, 3, 1, 13, 10, 0, DateTimeKind.Utc), entry.PreviousSecretExpiresAt);

        var json = KubernetesJson.Serialize(status);
        foreach (var (name, value) in regenerated.Data.Where(e => e.Key.EndsWith("onsumerSecret", StringComparison.Ordinal)))
        {
            Assert.False(json.Contains(Encoding.UTF8.GetString(value), StringComparison.Ordinal), $"status holds {name}");
        }

        var withoutRotation = ApplicationStatusBuilder.Ready(TestObjects.Application(), EffectiveApplicationSpec.From(TestObjects.Application()), Plan(null, null, keyTypes: ["Production"]), new() { Name = "shop-credentials" }, clock.GetUtcNow());
        Assert.Null(Assert.Single(withoutRotation.Keys!).SecretCreatedAt);
    }
}
