using System.Text;
using AppKeys.Credentials;
using AppKeys.Operator.Apis;
using AppKeys.Operator.Controllers.Applications;
using AppKeys.Operator.Tests.TestSupport;

namespace AppKeys.Operator.Tests.Applications;

public class ApplicationCredentialsPlannerTests
{
    private static readonly string[] Both = ["Production", "Sandbox"];

    private static ApplicationCredentialsPlan Plan(IDictionary<string, byte[]>? existing, string? observed = null, string? request = null, IReadOnlyList<string>? keyTypes = null, string? statusId = null) =>
        ApplicationCredentialsPlanner.Plan(
            new CredentialsObservation(existing, statusId is null ? null : new V1Alpha1ApplicationStatus { ApplicationId = statusId }, observed, request, keyTypes ?? Both, null, TestObjects.Now, _ => false),
            new CredentialSources(ConsumerCredentialGenerator.GenerateConsumerKey, ConsumerCredentialGenerator.GenerateConsumerSecret, Guid.NewGuid));

    private static string Get(ApplicationCredentialsPlan plan, string key) => Encoding.UTF8.GetString(plan.Data[key]);

    [Fact]
    public void First_plan_generates_distinct_well_formed_credentials_per_key_type()
    {
        var plan = Plan(null);
        Assert.Equal(Both, plan.Generated);
        Assert.Empty(plan.Regenerated);
        Assert.True(Guid.TryParse(plan.ApplicationId, out _));
        Assert.NotEqual(Get(plan, "production.consumerKey"), Get(plan, "sandbox.consumerKey"));
        foreach (var keyType in new[] { "production", "sandbox" })
        {
            Assert.True(ConsumerCredentialGenerator.IsWellFormedConsumerKey(Get(plan, $"{keyType}.consumerKey")));
            Assert.True(Get(plan, $"{keyType}.consumerKey").Length >= 28);
            Assert.True(Convert.FromBase64String(Get(plan, $"{keyType}.consumerSecret").Replace('-', '+').Replace('_', '/') + "=").Length >= 32);
        }
    }

    [Fact]
    public void Existing_credentials_are_kept_on_every_later_plan()
    {
        var first = Plan(null);
        var second = Plan(first.Data, first.ObservedRegenerateRequest);
        Assert.False(second.HasChanges);
        Assert.Equal(first.ApplicationId, second.ApplicationId);
        Assert.Equal(first.Data.Keys.Order(), second.Data.Keys.Order());
        Assert.All(first.Data, e => Assert.Equal(e.Value, second.Data[e.Key]));
    }

    [Fact]
    public void Regenerate_request_changes_secrets_once_and_keeps_keys()
    {
        var first = Plan(null);
        var regenerated = Plan(first.Data, first.ObservedRegenerateRequest, request: "2026-03-01T10:00");
        Assert.Equal(Both, regenerated.Regenerated.Keys);
        Assert.Equal(Get(first, "production.consumerKey"), Get(regenerated, "production.consumerKey"));
        Assert.NotEqual(Get(first, "production.consumerSecret"), Get(regenerated, "production.consumerSecret"));
        Assert.NotEqual(Get(first, "sandbox.consumerSecret"), Get(regenerated, "sandbox.consumerSecret"));

        var again = Plan(regenerated.Data, regenerated.ObservedRegenerateRequest, request: "2026-03-01T10:00");
        Assert.False(again.HasChanges);

        var next = Plan(again.Data, again.ObservedRegenerateRequest, request: "2026-03-02T10:00");
        Assert.Equal(Both, next.Regenerated.Keys);
    }

    [Fact]
    public void Request_present_at_creation_is_not_a_second_regeneration()
    {
        var first = Plan(null, request: "initial");
        Assert.Empty(first.Regenerated);
        Assert.False(Plan(first.Data, first.ObservedRegenerateRequest, request: "initial").HasChanges);
    }

    [Fact]
    public void Enabling_a_key_type_generates_only_that_one_and_disabling_drops_it()
    {
        var production = Plan(null, keyTypes: ["Production"]);
        Assert.DoesNotContain("sandbox.consumerKey", production.Data.Keys);
        var both = Plan(production.Data, keyTypes: Both);
        Assert.Equal(["Sandbox"], both.Generated);
        Assert.Equal(Get(production, "production.consumerSecret"), Get(both, "production.consumerSecret"));
        var back = Plan(both.Data, keyTypes: ["Production"]);
        Assert.DoesNotContain("sandbox.consumerKey", back.Data.Keys);
        Assert.False(back.HasChanges);
    }

    [Fact]
    public void Malformed_values_are_replaced_and_application_id_falls_back_to_status()
    {
        var id = Guid.NewGuid().ToString();
        var existing = new Dictionary<string, byte[]>
        {
            ["production.consumerKey"] = Encoding.UTF8.GetBytes("short"),
            ["production.consumerSecret"] = Encoding.UTF8.GetBytes("x"),
        };
        var plan = Plan(existing, keyTypes: ["Production"], statusId: id);
        Assert.Equal(["Production"], plan.Generated);
        Assert.Equal(id, plan.ApplicationId);

        var keyOnlyBroken = new Dictionary<string, byte[]>(plan.Data) { ["production.consumerSecret"] = Encoding.UTF8.GetBytes("tooshort") };
        var repaired = Plan(keyOnlyBroken, keyTypes: ["Production"]);
        Assert.Equal(["Production"], repaired.Regenerated.Keys);
        Assert.Equal(RegenerationReasons.Repaired, repaired.Regenerated["Production"]);
        Assert.Equal(Get(plan, "production.consumerKey"), Get(repaired, "production.consumerKey"));
    }

    [Fact]
    public void Observed_request_is_a_digest_not_the_value()
    {
        var plan = Plan(null, request: "my-request");
        Assert.StartsWith("sha256:", plan.ObservedRegenerateRequest, StringComparison.Ordinal);
        Assert.DoesNotContain("my-request", plan.ObservedRegenerateRequest, StringComparison.Ordinal);
    }
}
