using AppKeys.Operator.Tests.LeastPrivilege;

namespace AppKeys.Operator.Tests.Hostile;

/// <summary>
/// The operator's record lives in status, so no role that config/rbac aggregates into the built-in <c>edit</c> or
/// <c>admin</c> ClusterRoles may write a status subresource (HelmChartTests keeps the chart's roles equal to these).
/// </summary>
public sealed class AggregatedRolesTests
{
    private static readonly string[] Writes = ["create", "update", "patch", "delete", "deletecollection", "*"];

    [Fact]
    public void No_aggregated_role_grants_a_write_of_status()
    {
        var aggregated = OperatorRbac.Load().Objects
            .Where(o => (string?)o["kind"] == "ClusterRole")
            .Where(o => o["metadata"]?["labels"]?.AsObject().Any(l => l.Key.StartsWith("rbac.authorization.k8s.io/aggregate-to-", StringComparison.Ordinal) && (string?)l.Value == "true") == true)
            .ToList();
        Assert.Contains(aggregated, r => (string?)r["metadata"]!["name"] == "appkeys-application-editor");
        Assert.Contains(aggregated, r => (string?)r["metadata"]!["name"] == "appkeys-applicationkey-editor");

        var granted = aggregated
            .SelectMany(role => role["rules"]!.AsArray().Select(rule => (Role: (string?)role["metadata"]!["name"], Rule: rule!)))
            .SelectMany(r => r.Rule["resources"]!.AsArray().Select(x => (string?)x).Where(x => x is "*" or "*/status" || x?.EndsWith("/status", StringComparison.Ordinal) == true)
                .SelectMany(resource => r.Rule["verbs"]!.AsArray().Select(v => (string?)v).Where(v => Writes.Contains(v)).Select(v => $"{r.Role}: {v} {resource}")))
            .ToList();
        Assert.True(granted.Count == 0, "aggregated roles grant writes of status: " + string.Join("; ", granted));
    }
}
