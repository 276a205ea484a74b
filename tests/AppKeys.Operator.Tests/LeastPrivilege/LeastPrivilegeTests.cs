using Xunit.Abstractions;

namespace AppKeys.Operator.Tests.LeastPrivilege;

/// <summary>
/// The operator runs with exactly the RBAC of config/rbac (the chart renders the same rules; HelmChartTests checks
/// that): the whole lifecycle passes with no request denied, and with any single permission taken away it fails
/// on that very permission, so config/rbac grants nothing the operator does not use.
/// </summary>
[Collection(LeastPrivilegeCollection.Name)]
public sealed class LeastPrivilegeTests(ITestOutputHelper output)
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(30);
    private static readonly OperatorRbac Rbac = OperatorRbac.Load();

    public static TheoryData<string> EachPermission()
    {
        var data = new TheoryData<string>();
        foreach (var permission in Rbac.Permissions())
        {
            data.Add(permission.Id);
        }

        return data;
    }

    [Fact]
    public async Task The_whole_lifecycle_runs_under_config_rbac_without_a_single_denial()
    {
        await using var world = await LeastPrivilegeWorld.StartAsync(Rbac.Objects);
        await world.RunLifecycleAsync(StepTimeout);

        Assert.Empty(world.AllDenials);
        Assert.Equal(10, world.Steps.Count);
        Assert.DoesNotContain(world.OperatorLog, l => l.Contains("forbidden", StringComparison.OrdinalIgnoreCase));
        output.WriteLine($"least privilege: {world.Steps.Count} lifecycle steps as {OperatorRbac.User} with the {Rbac.Permissions().Count} permissions of config/rbac (RBAC and OwnerReferencesPermissionEnforcement on): 0 requests denied");
    }

    [Fact]
    public async Task With_watch_namespaces_the_lifecycle_runs_on_role_bindings_alone()
    {
        // The chart's watchNamespaces mode: no ClusterRoleBinding but the auth delegator's (reviews are cluster-scoped),
        // so any other cluster-scoped request would be denied.
        string[] watched = [LeastPrivilegeWorld.Namespace];
        var rbac = Rbac.NamespaceScoped(watched);
        Assert.DoesNotContain(rbac, o => (string?)o["kind"] == "ClusterRoleBinding" && o.ToJsonString().Contains(OperatorRbac.ServiceAccountName, StringComparison.Ordinal)
            && (string?)o["roleRef"]?["name"] != OperatorRbac.AuthDelegatorRole);
        await using var world = await LeastPrivilegeWorld.StartAsync(rbac, watched);

        await world.RunLifecycleAsync(StepTimeout);

        Assert.Empty(world.AllDenials);
        Assert.Equal(10, world.Steps.Count);
    }

    [Theory]
    [MemberData(nameof(EachPermission))]
    public async Task Without_any_one_permission_the_lifecycle_fails_on_it(string permission)
    {
        var removed = Rbac.Permissions().Single(p => p.Id == permission);
        await using var world = await LeastPrivilegeWorld.StartAsync(Rbac.Without(removed));

        var failure = await Assert.ThrowsAsync<OperatorDeniedException>(() => world.RunLifecycleAsync(StepTimeout));

        var denial = failure.Denial;
        output.WriteLine($"without {removed}: denied {denial} during \"{failure.Step}\" (after {world.Steps.Count} steps)");
        Assert.Equal(removed.Verb, denial.Verb);
        Assert.Equal(removed.ApiGroup, denial.ApiGroup);
        Assert.Equal(removed.Resource, denial.ResourceWithSubresource);
        if (removed.RoleNamespace is not null)
        {
            Assert.Equal(removed.RoleNamespace, denial.Namespace);
        }

        if (removed.ResourceNames.Count > 0)
        {
            Assert.Contains(denial.Name, removed.ResourceNames);
        }

        Assert.All(world.AllDenials, d => Assert.Equal(OperatorRbac.User, d.User));

        // The operator logs the 403 (kube's "... is forbidden: ..." text): the cluster e2e fails on such a line.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!world.OperatorLog.Any(l => l.Contains("forbidden", StringComparison.OrdinalIgnoreCase)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Contains(world.OperatorLog, l => l.Contains("forbidden", StringComparison.OrdinalIgnoreCase));
    }

    public static TheoryData<string> EachRolloutRestartPermission()
    {
        var data = new TheoryData<string>();
        foreach (var permission in OperatorRbac.LoadWithRolloutRestart().Permissions().Where(p => p.Role == OperatorRbac.RolloutRestartRole))
        {
            data.Add(permission.Id);
        }

        return data;
    }

    [Fact]
    public async Task With_the_rollout_restart_component_targets_are_restarted_without_a_single_denial()
    {
        var rbac = OperatorRbac.LoadWithRolloutRestart();
        await using var world = await LeastPrivilegeWorld.StartAsync(rbac.Objects);

        await world.RunRolloutRestartsAsync(StepTimeout, granted: true);

        Assert.Empty(world.AllDenials);
        Assert.DoesNotContain(world.OperatorLog, l => l.Contains("forbidden", StringComparison.OrdinalIgnoreCase));
        output.WriteLine($"rollout restarts: {world.Steps.Count} steps under config/rbac + config/components/rollout-restart ({rbac.Permissions().Count(p => p.Role == OperatorRbac.RolloutRestartRole)} permissions): 0 requests denied, 3 workloads restarted");
    }

    [Fact]
    public async Task Without_the_rollout_restart_component_resources_report_forbidden_and_nothing_else_breaks()
    {
        await using var world = await LeastPrivilegeWorld.StartAsync(Rbac.Objects);
        // The operator asks for the workloads (and is refused): expected; any other denial fails the test.
        world.Tolerated = d => d is { Verb: "get", ApiGroup: "apps", Resource: "deployments" or "statefulsets" or "daemonsets" } && d.Namespace == LeastPrivilegeWorld.Namespace;

        await world.RunRolloutRestartsAsync(StepTimeout, granted: false);

        Assert.NotEmpty(world.AllDenials);
        Assert.All(world.AllDenials, d => Assert.True(world.Tolerated(d), $"unexpected denial {d}"));
        Assert.DoesNotContain(world.AllDenials, d => d.Verb == "patch");
    }

    [Theory]
    [MemberData(nameof(EachRolloutRestartPermission))]
    public async Task Without_any_one_rollout_restart_permission_the_restarts_fail_on_it(string permission)
    {
        var rbac = OperatorRbac.LoadWithRolloutRestart();
        var removed = rbac.Permissions().Single(p => p.Id == permission && p.Role == OperatorRbac.RolloutRestartRole);
        await using var world = await LeastPrivilegeWorld.StartAsync(rbac.Without(removed));

        var failure = await Assert.ThrowsAsync<OperatorDeniedException>(() => world.RunRolloutRestartsAsync(StepTimeout, granted: true));

        output.WriteLine($"without {removed}: denied {failure.Denial} during \"{failure.Step}\"");
        Assert.Equal((removed.Verb, removed.ApiGroup, removed.Resource), (failure.Denial.Verb, failure.Denial.ApiGroup, failure.Denial.ResourceWithSubresource));
    }

    [Fact]
    public void The_operator_is_granted_permissions_and_each_is_checked()
    {
        var permissions = Rbac.Permissions();
        Assert.NotEmpty(permissions);
        Assert.Equal(permissions.Count, permissions.Select(p => p.Id).Distinct().Count());
        Assert.DoesNotContain(permissions, p => p.Verb == "*" || p.Resource == "*" || p.ApiGroup == "*");
    }
}
