using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Objects;

namespace AppKeys.LocalApiServer.Authorization;

/// <summary>
/// An immutable snapshot of the RBAC objects, indexed the way the RBAC authorizer reads them. Aggregated
/// ClusterRoles get the union of the rules of the ClusterRoles their selectors match, computed here instead of
/// by a background controller (kube's clusterrole-aggregation controller reaches the same rules, eventually).
/// </summary>
public sealed class RbacPolicy
{
    private readonly Dictionary<string, RbacRole> roles = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, RbacRole> clusterRoles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<RbacBinding>> roleBindings = new(StringComparer.Ordinal);
    private readonly List<RbacBinding> clusterRoleBindings;
    private readonly Dictionary<string, IReadOnlyList<RbacPolicyRule>> aggregated = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    public RbacPolicy(IEnumerable<RbacRole> roles, IEnumerable<RbacRole> clusterRoles,
        IEnumerable<RbacBinding> roleBindings, IEnumerable<RbacBinding> clusterRoleBindings)
    {
        foreach (var r in roles)
        {
            this.roles[Key(r.Namespace, r.Name)] = r;
        }
        foreach (var r in clusterRoles)
        {
            this.clusterRoles[r.Name] = r;
        }
        foreach (var b in roleBindings.OrderBy(b => b.Name, StringComparer.Ordinal))
        {
            var ns = b.Namespace ?? "";
            if (!this.roleBindings.TryGetValue(ns, out var list))
            {
                this.roleBindings[ns] = list = [];
            }
            list.Add(b);
        }
        this.clusterRoleBindings = clusterRoleBindings.OrderBy(b => b.Name, StringComparer.Ordinal).ToList();
    }

    public static RbacPolicy Empty { get; } = new([], [], [], []);

    /// <summary>Builds a snapshot from the stored JSON objects of the four RBAC kinds.</summary>
    public static RbacPolicy FromObjects(IEnumerable<JsonObject> roles, IEnumerable<JsonObject> clusterRoles,
        IEnumerable<JsonObject> roleBindings, IEnumerable<JsonObject> clusterRoleBindings) =>
        new(roles.Select(RoleFromJson), clusterRoles.Select(RoleFromJson),
            roleBindings.Select(BindingFromJson), clusterRoleBindings.Select(BindingFromJson));

    /// <summary>A Role or ClusterRole object (a ClusterRole has no namespace).</summary>
    public static RbacRole RoleFromJson(JsonObject obj)
    {
        var ns = ObjectMeta.Namespace(obj);
        var rules = new List<RbacPolicyRule>();
        if (obj["rules"] is JsonArray array)
        {
            rules.AddRange(array.Select(RbacPolicyRule.FromJson));
        }
        List<RbacLabelSelector>? selectors = null;
        if (obj["aggregationRule"] is JsonObject aggregation)
        {
            selectors = [];
            if (aggregation["clusterRoleSelectors"] is JsonArray s)
            {
                selectors.AddRange(s.Select(RbacLabelSelector.FromJson));
            }
        }
        return new RbacRole(ns.Length == 0 ? null : ns, ObjectMeta.Name(obj), rules, ObjectMeta.Labels(obj), selectors);
    }

    /// <summary>A RoleBinding or ClusterRoleBinding object.</summary>
    public static RbacBinding BindingFromJson(JsonObject obj)
    {
        var ns = ObjectMeta.Namespace(obj);
        var roleRef = new RbacRoleRef(JsonText.GetString(obj, "roleRef", "kind") ?? "", JsonText.GetString(obj, "roleRef", "name") ?? "");
        var subjects = new List<RbacSubject>();
        if (obj["subjects"] is JsonArray array)
        {
            foreach (var s in array)
            {
                subjects.Add(new RbacSubject(
                    JsonText.GetString(s, "kind") ?? "",
                    JsonText.GetString(s, "name") ?? "",
                    JsonText.GetString(s, "namespace") is { Length: > 0 } sns ? sns : null));
            }
        }
        return new RbacBinding(ns.Length == 0 ? null : ns, ObjectMeta.Name(obj), roleRef, subjects);
    }

    /// <summary>ClusterRoleBindings in name order.</summary>
    public IReadOnlyList<RbacBinding> ClusterRoleBindings => clusterRoleBindings;

    /// <summary>RoleBindings of one namespace in name order.</summary>
    public IReadOnlyList<RbacBinding> RoleBindingsIn(string ns) =>
        roleBindings.TryGetValue(ns, out var list) ? list : [];

    /// <summary>The rules of a Role; null when it does not exist.</summary>
    public IReadOnlyList<RbacPolicyRule>? RoleRules(string ns, string name) =>
        roles.TryGetValue(Key(ns, name), out var r) ? r.Rules : null;

    /// <summary>The effective rules of a ClusterRole (aggregated when it has an aggregationRule); null when it does not exist.</summary>
    public IReadOnlyList<RbacPolicyRule>? ClusterRoleRules(string name)
    {
        if (!clusterRoles.TryGetValue(name, out var role))
        {
            return null;
        }
        if (role.AggregationSelectors is null)
        {
            return role.Rules;
        }
        lock (gate)
        {
            return Aggregate(role, new HashSet<string>(StringComparer.Ordinal));
        }
    }

    /// <summary>
    /// kube's controller: for each selector, the matching ClusterRoles in name order (never the role itself),
    /// their rules appended when not already present. Aggregated inputs are resolved first (the controller gets
    /// there by repeated passes); a cycle falls back to the stored rules.
    /// </summary>
    private IReadOnlyList<RbacPolicyRule> Aggregate(RbacRole role, HashSet<string> visiting)
    {
        if (aggregated.TryGetValue(role.Name, out var cached))
        {
            return cached;
        }
        if (!visiting.Add(role.Name))
        {
            return role.Rules;
        }
        var rules = new List<RbacPolicyRule>();
        foreach (var selector in role.AggregationSelectors!)
        {
            foreach (var candidate in clusterRoles.Values)
            {
                if (candidate.Name == role.Name || !selector.Matches(candidate.Labels))
                {
                    continue;
                }
                var candidateRules = candidate.AggregationSelectors is null ? candidate.Rules : Aggregate(candidate, visiting);
                foreach (var rule in candidateRules)
                {
                    if (!rules.Any(r => r.SameAs(rule)))
                    {
                        rules.Add(rule);
                    }
                }
            }
        }
        visiting.Remove(role.Name);
        aggregated[role.Name] = rules;
        return rules;
    }

    private static string Key(string? ns, string name) => $"{ns}/{name}";
}
