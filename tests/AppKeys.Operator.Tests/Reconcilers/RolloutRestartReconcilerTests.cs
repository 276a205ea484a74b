using AppKeys.Operator.Apis;
using AppKeys.Operator.Controllers;
using AppKeys.Operator.Controllers.RolloutRestarts;
using AppKeys.Operator.Tests.TestSupport;
using k8s.Models;

namespace AppKeys.Operator.Tests.Reconcilers;

/// <summary>
/// spec.rolloutRestartTargets through both reconcilers, with the exact API actions, on a fake clock: a target is
/// restarted (its pod template's restartedAt patched) after the Secret's content changed — not on the first issuance,
/// an idle reconcile or a second look — at most once per interval, and a 403 never fails the resource.
/// </summary>
public sealed class RolloutRestartReconcilerTests : IDisposable
{
    private const string Ns = ReconcilerWorld.Ns;
    private readonly ReconcilerWorld world = new();

    public void Dispose() => world.Dispose();

    private static V1Alpha1RolloutRestartTarget Target(string kind, string name) => new() { Kind = kind, Name = name };

    private static V1PodTemplateSpec Template(V1Volume[]? volumes = null, V1EnvVar[]? env = null, V1EnvFromSource[]? envFrom = null) => new()
    {
        Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "x" } },
        Spec = new V1PodSpec
        {
            Containers = [new V1Container { Name = "c", Image = "example/app:1", Env = env, EnvFrom = envFrom }],
            Volumes = volumes,
        },
    };

    private static V1Volume SecretVolume(string secret) => new() { Name = "creds", Secret = new V1SecretVolumeSource { SecretName = secret } };

    private void SeedDeployment(string name, V1PodTemplateSpec template) =>
        world.Deployments.Seed(new V1Deployment { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Ns }, Spec = new V1DeploymentSpec { Template = template } });

    private string? RestartedAt(string name) =>
        world.Deployments.Peek(name, Ns)!.Spec.Template.Metadata.Annotations?.TryGetValue(RolloutRestartPlanner.RestartedAtAnnotation, out var at) == true ? at : null;

    private V1Alpha1ApplicationKey Key() => world.Keys.Peek("shop-prod", Ns)!;

    private static V1Condition? Condition(IEnumerable<V1Condition>? conditions, string type) => conditions?.FirstOrDefault(c => c.Type == type);

    private async Task<V1Alpha1ApplicationKey> KeyWithTargetsAsync(params V1Alpha1RolloutRestartTarget[] targets)
    {
        world.Applications.Seed(TestObjects.Application(s => s.TokenType = TokenTypes.Opaque));
        await world.ReconcileApplicationAsync();
        world.Keys.Seed(TestObjects.Key(s => s.RolloutRestartTargets = targets));
        await world.ReconcileKeyAsync();
        return Key();
    }

    private async Task<IReadOnlyList<string>> RenewAsync(string value, TimeSpan after)
    {
        world.Clock.Advance(after);
        var key = Key();
        key.Metadata.Annotations = new Dictionary<string, string> { [AppKeysAnnotations.Renew] = value };
        world.Keys.Seed(key);
        return Verbs((await world.ReconcileKeyAsync()).Actions);
    }

    /// <summary>The actions without their preconditions (the order and the objects are what these tests are about).</summary>
    private static List<string> Verbs(IEnumerable<string> actions) => [.. actions.Select(a => a.Split(" rv=")[0])];

    [Fact]
    public async Task A_renewal_restarts_the_deployment_that_mounts_the_secret_the_first_issuance_and_idle_reconciles_do_not()
    {
        SeedDeployment("web", Template(volumes: [SecretVolume("shop-prod")]));
        world.Applications.Seed(TestObjects.Application(s => s.TokenType = TokenTypes.Opaque));
        await world.ReconcileApplicationAsync();
        var seeded = world.Keys.Seed(TestObjects.Key(s => s.RolloutRestartTargets = [Target(WorkloadKinds.Deployment, "web")]));

        var (_, first) = await world.ReconcileKeyAsync();
        Assert.Equal(["get secrets/shop-prod", "create secrets/shop-prod", "get deployments/web", $"update applicationkeys/status/shop-prod rv={seeded.Metadata.ResourceVersion}"], first);
        Assert.Null(RestartedAt("web"));
        var record = Assert.Single(Key().Status.RolloutRestarts!);
        Assert.Equal((RolloutRestartResults.Observed, Key().Status.TokenId), (record.Result, record.ObservedContent));
        Assert.Equal(("True", "Ready"), (Condition(Key().Status.Conditions, "RolloutRestart")!.Status, Condition(Key().Status.Conditions, "RolloutRestart")!.Reason));

        Assert.Empty((await world.ReconcileKeyAsync()).Actions);

        var renewal = await RenewAsync("1", TimeSpan.FromMinutes(10));
        Assert.Equal(["update secrets/shop-prod", "get deployments/web", "patch deployments/web"], renewal.Take(3));
        Assert.StartsWith("update applicationkeys/status/shop-prod", renewal[3], StringComparison.Ordinal);
        Assert.Equal(Rfc3339.ToString(world.Clock.GetUtcNow()), RestartedAt("web"));
        record = Assert.Single(Key().Status.RolloutRestarts!);
        Assert.Equal((RolloutRestartResults.Restarted, Key().Status.TokenId, 2L), (record.Result, record.ObservedContent, Key().Status.Revision));
        var restarted = Assert.Single(world.Events.Recorded, e => e.Reason == "RolloutRestarted");
        Assert.Equal("Normal", restarted.Type);
        Assert.Contains("Deployment/web", restarted.Message, StringComparison.Ordinal);

        Assert.Empty((await world.ReconcileKeyAsync()).Actions);
        Assert.Single(world.Events.Recorded, e => e.Reason == "RolloutRestarted");
    }

    [Fact]
    public async Task At_most_one_restart_per_interval_a_later_change_waits_for_it_and_then_restarts()
    {
        SeedDeployment("web", Template(volumes: [SecretVolume("shop-prod")]));
        await KeyWithTargetsAsync(Target(WorkloadKinds.Deployment, "web"));
        await RenewAsync("1", TimeSpan.FromMinutes(10));
        var firstRestart = RestartedAt("web");

        // A second renewal 10 s later (user actions may issue every 5 s): the token changes, the restart waits.
        var actions = await RenewAsync("2", TimeSpan.FromSeconds(10));
        Assert.Contains("update secrets/shop-prod", actions);
        Assert.Contains("get deployments/web", actions);
        Assert.DoesNotContain(actions, a => a.StartsWith("patch", StringComparison.Ordinal));
        Assert.Equal(firstRestart, RestartedAt("web"));
        var record = Assert.Single(Key().Status.RolloutRestarts!);
        Assert.Equal(RolloutRestartResults.Pending, record.Result);
        Assert.NotEqual(Key().Status.TokenId, record.ObservedContent);
        Assert.Equal(("True", RolloutRestartResults.Pending), (Condition(Key().Status.Conditions, "RolloutRestart")!.Status, Condition(Key().Status.Conditions, "RolloutRestart")!.Reason));

        // Before the interval is over nothing is patched; the requeue is for its end.
        world.Clock.Advance(TimeSpan.FromSeconds(100));
        var (waiting, early) = await world.ReconcileKeyAsync();
        Assert.DoesNotContain(early, a => a.StartsWith("patch", StringComparison.Ordinal));
        Assert.NotNull(waiting.RequeueAfter);
        Assert.InRange(waiting.RequeueAfter!.Value, TimeSpan.FromSeconds(9), TimeSpan.FromSeconds(11));

        world.Clock.Advance(TimeSpan.FromSeconds(11));
        var due = Verbs((await world.ReconcileKeyAsync()).Actions);
        Assert.Equal(["get deployments/web", "patch deployments/web"], due.Take(2));
        Assert.Equal(Rfc3339.ToString(world.Clock.GetUtcNow()), RestartedAt("web"));
        Assert.Equal((RolloutRestartResults.Restarted, Key().Status.TokenId), (Key().Status.RolloutRestarts![0].Result, Key().Status.RolloutRestarts![0].ObservedContent));
        Assert.Equal(2, world.Events.Recorded.Count(e => e.Reason == "RolloutRestarted"));
    }

    [Fact]
    public async Task A_restart_someone_else_made_inside_the_interval_counts_a_future_restartedAt_does_not()
    {
        var target = Target(WorkloadKinds.Deployment, "web");
        var record = new V1Alpha1RolloutRestartStatus { Kind = "Deployment", Name = "web", ObservedContent = "jti-1", Result = RolloutRestartResults.Observed };
        var settings = RolloutRestartSettings.For(TimeSpan.FromMinutes(2));
        var now = TestObjects.Now;

        var recent = RolloutRestartPlanner.Decide(target, record, "jti-2", new TargetObservation(true, true, now.AddSeconds(-30)), "renewed", now, settings);
        Assert.False(recent.Patch);
        Assert.Equal(RolloutRestartResults.Pending, recent.Record.Result);
        Assert.Equal(now.AddSeconds(90), recent.Next);
        Assert.Equal("jti-1", recent.Record.ObservedContent);

        var future = RolloutRestartPlanner.Decide(target, record, "jti-2", new TargetObservation(true, true, now.AddDays(365)), "renewed", now, settings);
        Assert.True(future.Patch);
        Assert.Equal("jti-2", future.Record.ObservedContent);

        var old = RolloutRestartPlanner.Decide(target, record, "jti-2", new TargetObservation(true, true, now.AddMinutes(-3)), "renewed", now, settings);
        Assert.True(old.Patch);

        var same = RolloutRestartPlanner.Decide(target, record, "jti-1", new TargetObservation(true, true, null), "renewed", now, settings);
        Assert.False(same.Patch);
        Assert.Empty(RolloutRestartPlanner.Due([target], [record], "jti-1"));
        Assert.Single(RolloutRestartPlanner.Due([target], [record], "jti-2"));

        // Content that appears where there was none (a first token, a restored Secret) restarts nothing.
        var fromNothing = RolloutRestartPlanner.Decide(target, new V1Alpha1RolloutRestartStatus { Kind = "Deployment", Name = "web", ObservedContent = "" }, "jti-3", new TargetObservation(true, true, null), "issued", now, settings);
        Assert.False(fromNothing.Patch);
        Assert.Equal("jti-3", fromNothing.Record.ObservedContent);
    }

    [Fact]
    public async Task Without_the_rbac_the_key_stays_ready_and_reports_forbidden_then_restarts_once_it_is_granted()
    {
        SeedDeployment("web", Template(volumes: [SecretVolume("shop-prod")]));
        world.Deployments.Forbidden = true;
        var key = await KeyWithTargetsAsync(Target(WorkloadKinds.Deployment, "web"));

        Assert.Equal("True", Condition(key.Status.Conditions, ConditionTypes.Ready)!.Status);
        var condition = Condition(key.Status.Conditions, "RolloutRestart")!;
        Assert.Equal(("False", "Forbidden"), (condition.Status, condition.Reason));
        Assert.Contains("rollout-restart", condition.Message, StringComparison.Ordinal);
        Assert.Single(world.Events.Recorded, e => e is { Type: "Warning", Reason: "RolloutRestartForbidden" });

        var renewal = await RenewAsync("1", TimeSpan.FromMinutes(10));
        Assert.Contains("update secrets/shop-prod", renewal);
        Assert.DoesNotContain(renewal, a => a.StartsWith("patch", StringComparison.Ordinal));
        Assert.Equal(("True", 2L), (Condition(Key().Status.Conditions, ConditionTypes.Ready)!.Status, Key().Status.Revision));
        Assert.Equal("Forbidden", Condition(Key().Status.Conditions, "RolloutRestart")!.Reason);
        Assert.Single(world.Events.Recorded, e => e.Reason == "RolloutRestartForbidden");

        // The RBAC is installed; the retry (every 5 minutes) restarts the workload for the change it missed.
        world.Deployments.Forbidden = false;
        world.Clock.Advance(TimeSpan.FromMinutes(5));
        var retry = Verbs((await world.ReconcileKeyAsync()).Actions);
        Assert.Equal(["get deployments/web", "patch deployments/web"], retry.Take(2));
        Assert.Equal(("True", "Ready"), (Condition(Key().Status.Conditions, "RolloutRestart")!.Status, Condition(Key().Status.Conditions, "RolloutRestart")!.Reason));
    }

    [Fact]
    public async Task A_workload_that_does_not_use_the_secret_or_does_not_exist_is_never_patched()
    {
        SeedDeployment("unrelated", Template(volumes: [SecretVolume("something-else")]));
        await KeyWithTargetsAsync(Target(WorkloadKinds.Deployment, "unrelated"), Target(WorkloadKinds.StatefulSet, "missing"));

        var condition = Condition(Key().Status.Conditions, "RolloutRestart")!;
        Assert.Equal(("False", "TargetNotFound"), (condition.Status, condition.Reason));
        Assert.Contains(world.Events.Recorded, e => e is { Type: "Warning", Reason: "RolloutRestartTargetNotConsuming" });
        Assert.Contains(world.Events.Recorded, e => e is { Type: "Warning", Reason: "RolloutRestartTargetNotFound" });

        var renewal = await RenewAsync("1", TimeSpan.FromMinutes(10));
        Assert.Contains("get deployments/unrelated", renewal);
        Assert.Contains("get statefulsets/missing", renewal);
        Assert.DoesNotContain(renewal, a => a.StartsWith("patch", StringComparison.Ordinal));
        Assert.Null(RestartedAt("unrelated"));
        Assert.Equal(2, world.Events.Recorded.Count(e => e.Type == "Warning" && e.Reason.StartsWith("RolloutRestart", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Revocation_restarts_the_workloads_that_held_the_token()
    {
        SeedDeployment("web", Template(env: [new V1EnvVar { Name = "TOKEN", ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = "shop-prod", Key = "accessToken" } } }]));
        await KeyWithTargetsAsync(Target(WorkloadKinds.Deployment, "web"));
        world.Clock.Advance(TimeSpan.FromMinutes(10));
        var app = world.Applications.Peek("shop", Ns)!;
        app.Spec.KeyTypes = [KeyTypes.Sandbox];
        world.Applications.Seed(app);

        var (_, actions) = await world.ReconcileKeyAsync();

        Assert.StartsWith("delete secrets/shop-prod", actions[0], StringComparison.Ordinal);
        Assert.Equal(["get deployments/web", "patch deployments/web"], actions.Skip(1).Take(2));
        Assert.Contains("no token", Key().Status.RolloutRestarts![0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_regenerated_consumer_secret_restarts_the_statefulset_and_daemonset_using_the_application_secret()
    {
        world.StatefulSets.Seed(new V1StatefulSet { Metadata = new V1ObjectMeta { Name = "db", NamespaceProperty = Ns }, Spec = new V1StatefulSetSpec { Template = Template(envFrom: [new V1EnvFromSource { SecretRef = new V1SecretEnvSource { Name = "shop-credentials" } }]) } });
        world.DaemonSets.Seed(new V1DaemonSet { Metadata = new V1ObjectMeta { Name = "agent", NamespaceProperty = Ns }, Spec = new V1DaemonSetSpec { Template = Template(volumes: [new V1Volume { Name = "p", Projected = new V1ProjectedVolumeSource { Sources = [new V1VolumeProjection { Secret = new V1SecretProjection { Name = "shop-credentials" } }] } }]) } });
        world.Applications.Seed(TestObjects.Application(s => s.RolloutRestartTargets = [Target(WorkloadKinds.StatefulSet, "db"), Target(WorkloadKinds.DaemonSet, "agent")]));
        var (_, created) = await world.ReconcileApplicationAsync();
        Assert.DoesNotContain(created, x => x.StartsWith("patch", StringComparison.Ordinal));
        Assert.Empty((await world.ReconcileApplicationAsync()).Actions);

        world.Clock.Advance(TimeSpan.FromMinutes(10));
        var app = world.Applications.Peek("shop", Ns)!;
        app.Metadata.Annotations = new Dictionary<string, string> { [AppKeysAnnotations.RegenerateSecret] = "1" };
        world.Applications.Seed(app);
        var regenerated = Verbs((await world.ReconcileApplicationAsync()).Actions);

        Assert.Equal(["update secrets/shop-credentials", "get statefulsets/db", "patch statefulsets/db", "get daemonsets/agent", "patch daemonsets/agent"], regenerated.Take(5));
        var now = Rfc3339.ToString(world.Clock.GetUtcNow());
        Assert.Equal(now, world.StatefulSets.Peek("db", Ns)!.Spec.Template.Metadata.Annotations[RolloutRestartPlanner.RestartedAtAnnotation]);
        Assert.Equal(now, world.DaemonSets.Peek("agent", Ns)!.Spec.Template.Metadata.Annotations[RolloutRestartPlanner.RestartedAtAnnotation]);
        Assert.Contains(world.Events.Recorded, e => e.Reason == "RolloutRestarted" && e.Message.Contains("StatefulSet/db, DaemonSet/agent", StringComparison.Ordinal) && e.Message.Contains("requested", StringComparison.Ordinal));
        Assert.Empty((await world.ReconcileApplicationAsync()).Actions);
    }
}
