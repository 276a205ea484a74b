using System.Text.Json.Nodes;
using AppKeys.Operator.Dev;

namespace AppKeys.Operator.Tests.LeastPrivilege;

/// <summary>One verb on one resource granted by one rule of a role bound to the operator.</summary>
public sealed record Permission(string Role, string? RoleNamespace, int Rule, string ApiGroup, string Resource, string Verb, IReadOnlyList<string> ResourceNames)
{
    /// <summary>The verb and resource: unique among the operator's permissions (no permission is granted twice).</summary>
    public string Id => $"{Verb} {(ApiGroup.Length == 0 ? "" : ApiGroup + "/")}{Resource}";

    public override string ToString() =>
        $"{(RoleNamespace is null ? "ClusterRole " : $"Role {RoleNamespace}/")}{Role} rule {Rule}: {Verb} {(ApiGroup.Length == 0 ? "core" : ApiGroup)}/{Resource}"
        + (ResourceNames.Count == 0 ? "" : $" [{string.Join(",", ResourceNames)}]");
}

/// <summary>
/// The objects of <c>config/rbac</c> (the files its kustomization lists, in order), and the permissions they grant the
/// operator's ServiceAccount: every (rule, resource, verb) of every Role and ClusterRole that a binding in
/// config/rbac gives to it. Nothing here is hand-written: a rule added to config/rbac is covered by the tests.
/// </summary>
public sealed class OperatorRbac
{
    public const string ServiceAccountNamespace = "appkeys-system";
    public const string ServiceAccountName = "appkeys-operator";
    public const string User = $"system:serviceaccount:{ServiceAccountNamespace}:{ServiceAccountName}";

    /// <summary>The ClusterRole for TokenReview and SubjectAccessReview (introspection callers), bound cluster-wide in every mode.</summary>
    public const string AuthDelegatorRole = "appkeys-operator-auth-delegator";

    private OperatorRbac(IReadOnlyList<JsonObject> objects) => Objects = objects;

    /// <summary>Every object of config/rbac, in kustomization order.</summary>
    public IReadOnlyList<JsonObject> Objects { get; }

    /// <summary>The ClusterRole of the opt-in component config/components/rollout-restart.</summary>
    public const string RolloutRestartRole = "appkeys-operator-rollout-restart";

    public static OperatorRbac Load() => new(ManifestFiles.ReadKustomization(RepositoryRoot.Combine("config", "rbac")));

    /// <summary>config/rbac plus the opt-in component config/components/rollout-restart (as an overlay that lists it).</summary>
    public static OperatorRbac LoadWithRolloutRestart() => new(
        [.. ManifestFiles.ReadKustomization(RepositoryRoot.Combine("config", "rbac")), .. ManifestFiles.ReadKustomization(RepositoryRoot.Combine("config", "components", "rollout-restart"))]);

    /// <summary>Every permission the operator's ServiceAccount is granted, one per (rule, resource, verb).</summary>
    public IReadOnlyList<Permission> Permissions()
    {
        var permissions = new List<Permission>();
        foreach (var role in BoundRoles())
        {
            var rules = role["rules"]!.AsArray();
            for (var i = 0; i < rules.Count; i++)
            {
                var rule = rules[i]!;
                var names = Strings(rule["resourceNames"]);
                foreach (var group in Strings(rule["apiGroups"]))
                {
                    foreach (var resource in Strings(rule["resources"]))
                    {
                        foreach (var verb in Strings(rule["verbs"]))
                        {
                            permissions.Add(new Permission(Name(role), Namespace(role), i, group, resource, verb, names));
                        }
                    }
                }
            }
        }

        return permissions;
    }

    /// <summary>
    /// config/rbac as the chart installs it with <c>watchNamespaces</c>: every ClusterRoleBinding of the operator
    /// becomes a RoleBinding <c>&lt;name&gt;-reconcile</c> of the same ClusterRole in each watched namespace and in the
    /// operator's own, so the operator holds no cluster-wide permission.
    /// </summary>
    public IReadOnlyList<JsonObject> NamespaceScoped(IReadOnlyList<string> watchNamespaces)
    {
        var result = new List<JsonObject>();
        foreach (var original in Objects)
        {
            // The auth delegator binding grants only cluster-scoped reviews: it stays a ClusterRoleBinding, as in the chart.
            if ((string?)original["kind"] != "ClusterRoleBinding" || !BindsOperator(original) || (string?)original["roleRef"]?["name"] == AuthDelegatorRole)
            {
                result.Add((JsonObject)original.DeepClone());
                continue;
            }

            foreach (var ns in watchNamespaces.Append(ServiceAccountNamespace).Distinct(StringComparer.Ordinal))
            {
                var binding = (JsonObject)original.DeepClone();
                binding["kind"] = "RoleBinding";
                binding["metadata"]!["namespace"] = ns;
                binding["metadata"]!["name"] = $"{binding["metadata"]!["name"]}-reconcile"; // as the chart names it
                result.Add(binding);
            }
        }

        return result;
    }

    /// <summary>config/rbac with exactly one permission taken away (its rule split so that the rest stays granted).</summary>
    public IReadOnlyList<JsonObject> Without(Permission removed)
    {
        var result = new List<JsonObject>();
        foreach (var original in Objects)
        {
            var obj = (JsonObject)original.DeepClone();
            if (IsRole(obj) && Name(obj) == removed.Role && Namespace(obj) == removed.RoleNamespace)
            {
                var rules = new JsonArray();
                var originalRules = obj["rules"]!.AsArray();
                for (var i = 0; i < originalRules.Count; i++)
                {
                    foreach (var rule in i == removed.Rule ? Split(originalRules[i]!.AsObject(), removed) : [originalRules[i]!.DeepClone().AsObject()])
                    {
                        rules.Add(rule);
                    }
                }

                obj["rules"] = rules;
            }

            result.Add(obj);
        }

        return result;
    }

    /// <summary>The rule as one rule per (group, resource, verb) that remains once <paramref name="removed"/> is gone.</summary>
    private static IEnumerable<JsonObject> Split(JsonObject rule, Permission removed)
    {
        foreach (var group in Strings(rule["apiGroups"]))
        {
            foreach (var resource in Strings(rule["resources"]))
            {
                foreach (var verb in Strings(rule["verbs"]))
                {
                    if (group == removed.ApiGroup && resource == removed.Resource && verb == removed.Verb)
                    {
                        continue;
                    }

                    var single = new JsonObject
                    {
                        ["apiGroups"] = new JsonArray(group),
                        ["resources"] = new JsonArray(resource),
                        ["verbs"] = new JsonArray(verb),
                    };
                    if (rule["resourceNames"] is { } names)
                    {
                        single["resourceNames"] = names.DeepClone();
                    }

                    yield return single;
                }
            }
        }
    }

    /// <summary>The Roles and ClusterRoles that a binding in config/rbac grants to the operator's ServiceAccount.</summary>
    private IEnumerable<JsonObject> BoundRoles()
    {
        foreach (var binding in Objects.Where(o => (string?)o["kind"] is "RoleBinding" or "ClusterRoleBinding"))
        {
            if (!BindsOperator(binding))
            {
                continue;
            }

            var kind = (string)binding["roleRef"]!["kind"]!;
            var name = (string)binding["roleRef"]!["name"]!;
            var ns = kind == "Role" ? Namespace(binding) : null;
            yield return Objects.Single(o => (string?)o["kind"] == kind && Name(o) == name && Namespace(o) == ns);
        }
    }

    private static bool BindsOperator(JsonObject binding) => binding["subjects"]!.AsArray().Any(s =>
        (string?)s!["kind"] == "ServiceAccount" && (string?)s["name"] == ServiceAccountName && (string?)s["namespace"] == ServiceAccountNamespace);

    private static bool IsRole(JsonObject obj) => (string?)obj["kind"] is "Role" or "ClusterRole";

    private static string Name(JsonNode obj) => (string)obj["metadata"]!["name"]!;

    private static string? Namespace(JsonNode obj) => (string?)obj["metadata"]!["namespace"];

    private static List<string> Strings(JsonNode? node) => node is JsonArray a ? [.. a.Select(x => (string)x!)] : [];
}
