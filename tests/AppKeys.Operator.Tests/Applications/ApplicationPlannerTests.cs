using System.Text;
using AppKeys.Credentials;
using AppKeys.Operator.Apis;
using AppKeys.Operator.Controllers;
using AppKeys.Operator.Controllers.Applications;
using AppKeys.Operator.Tests.TestSupport;
using AppKeys.Runtime;
using k8s.Models;

namespace AppKeys.Operator.Tests.Applications;

/// <summary>
/// <see cref="ApplicationPlanner"/> as a table: an observed world built from an Application holding its first
/// credentials, and what the plan must do — the Secret write, the deletes, the Ready reason, the events, whether the
/// recorded identity survives.
/// </summary>
public class ApplicationPlannerTests
{
    private static readonly CredentialSources Sources = new(
        () => "CK" + Guid.NewGuid().ToString("N")[..26],
        ConsumerCredentialGenerator.GenerateConsumerSecret,
        () => Guid.Parse("11111111-1111-1111-1111-111111111111"));

    public sealed record World(V1Alpha1Application Application, V1Secret? Secret, V1Secret? Former, Func<string, bool> Taken)
    {
        public ApplicationObservation Observation => new(Application, Secret, Former, Taken);
    }

    private static ApplicationPlanContext Context => new(TestObjects.Now, Sources);

    /// <summary>An Application holding its first credentials: the plan of an empty world, applied.</summary>
    private static World Created()
    {
        var app = TestObjects.Application();
        var plan = ApplicationPlanner.Plan(new ApplicationObservation(app, null, null, _ => false), Context);
        var secret = KubernetesObjects.Clone(plan.Secret!.Desired);
        secret.Metadata.Uid = "secret-uid-1";
        secret.Metadata.ResourceVersion = "10";
        app = KubernetesObjects.Clone(app);
        app.Status = plan.Status;
        return new World(app, secret, null, _ => false);
    }

    private static V1Secret Edit(V1Secret secret, Action<V1Secret> edit)
    {
        var copy = KubernetesObjects.Clone(secret);
        edit(copy);
        return copy;
    }

    public static TheoryData<string, Func<World>, string?, int, string, string?> Cases => new()
    {
        // name, world, Secret write, deletes, Ready reason, an event reason the plan must raise
        { "first creation", () => new World(TestObjects.Application(), null, null, _ => false), "create", 0, ConditionReasons.CredentialsReady, "CredentialsGenerated" },
        { "steady state writes nothing", Created, null, 0, ConditionReasons.CredentialsReady, null },
        { "consumer key swapped in the Secret", () => Created() is var w ? w with { Secret = Edit(w.Secret!, s => s.Data["production.consumerKey"] = "Other0123456789012345678901a"u8.ToArray()) } : w, "update", 0, ConditionReasons.CredentialsReady, "CredentialsTampered" },
        { "consumer secret hand-edited", () => Created() is var w ? w with { Secret = Edit(w.Secret!, s => s.Data["production.consumerSecret"] = "chosen-0123456789abcdefghijklmnopqrstuvwxyz"u8.ToArray()) } : w, "update", 0, ConditionReasons.CredentialsReady, "CredentialsTampered" },
        { "Secret deleted", () => Created() with { Secret = null }, "create", 0, ConditionReasons.CredentialsReady, "CredentialsRestored" },
        { "renamed", () => Created() is var w ? w with { Application = Renamed(w.Application), Secret = null, Former = w.Secret } : w, "create", 1, ConditionReasons.CredentialsReady, "CredentialsMoved" },
        { "foreign Secret in the way", () => Created() is var w ? w with { Secret = Edit(w.Secret!, s => s.Metadata.OwnerReferences = null) } : w, null, 0, ConditionReasons.SecretConflict, ConditionReasons.SecretConflict },
        { "invalid spec", () => Created() is var w ? w with { Application = Invalid(w.Application) } : w, null, 0, ConditionReasons.InvalidSpec, ConditionReasons.InvalidSpec },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Plan(string name, Func<World> world, string? write, int deletes, string reason, string? eventReason)
    {
        var observed = world();
        var plan = ApplicationPlanner.Plan(observed.Observation, Context);

        Assert.True(write == (plan.Secret is null ? null : plan.Secret.Create ? "create" : "update"), $"{name}: Secret write");
        Assert.True(deletes == plan.Deletes.Count, $"{name}: {plan.Deletes.Count} deletes");
        Assert.All(plan.Deletes, d => Assert.NotNull(d.ResourceVersion));
        Assert.Equal(reason, plan.Status.Conditions!.Single(c => c.Type == "Ready").Reason);
        if (eventReason is not null)
        {
            Assert.Contains(plan.Events, e => e.Reason == eventReason);
        }

        // The recorded identity never changes, whatever the Secret says.
        if (observed.Application.Status?.Keys is { Count: > 0 } recorded && plan.Secret is { } s)
        {
            Assert.Equal(recorded[0].ConsumerKey, Encoding.UTF8.GetString(s.Desired.Data["production.consumerKey"]));
            Assert.Equal(observed.Application.Status.ApplicationId, plan.Status.ApplicationId);
            Assert.Equal(Hashes.Of(Encoding.UTF8.GetString(s.Desired.Data["production.consumerSecret"])), plan.Status.Keys![0].SecretHash);
        }
    }

    private static V1Alpha1Application Renamed(V1Alpha1Application app)
    {
        var copy = KubernetesObjects.Clone(app);
        copy.Spec.SecretName = "moved";
        return copy;
    }

    private static V1Alpha1Application Invalid(V1Alpha1Application app)
    {
        var copy = KubernetesObjects.Clone(app);
        copy.Spec.TokenType = "Bearer";
        return copy;
    }
}
