using AppKeys.LocalApiServer.Authentication;

namespace AppKeys.LocalApiServer.Authorization;

/// <summary>
/// kube-apiserver's RBAC authorizer as pure functions (plugin/pkg/auth/authorizer/rbac/rbac.go and
/// pkg/registry/rbac/validation/rule.go): ClusterRoleBindings are visited first, then the RoleBindings of the
/// request's namespace; the first rule that allows wins. A denial is "no opinion" whose reason lists the
/// bindings whose role could not be found, as kube reports them.
/// </summary>
public static class RbacEvaluator
{
    /// <summary>The group that kube-apiserver always allows (its privileged-groups authorizer).</summary>
    public const string SystemMasters = "system:masters";

    public static AuthorizationDecision Authorize(RbacPolicy policy, AuthorizationAttributes attributes)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(attributes);
        if (attributes.User.Groups.Contains(SystemMasters))
        {
            return AuthorizationDecision.Allow;
        }
        var errors = new List<string>();
        string? allowedBy = null;
        VisitRulesFor(policy, attributes.User, attributes.Namespace ?? "", (source, rule, error) =>
        {
            if (error is not null)
            {
                errors.Add(error);
                return true;
            }
            if (RuleAllows(attributes, rule!))
            {
                allowedBy = source;
                return false;
            }
            return true;
        });
        if (allowedBy is not null)
        {
            return new AuthorizationDecision(true, "RBAC: allowed by " + allowedBy);
        }
        // utilerrors.NewAggregate: one error prints bare, several as "[a, b]".
        var reason = errors.Count switch
        {
            0 => null,
            1 => "RBAC: " + errors[0],
            _ => "RBAC: [" + string.Join(", ", errors) + "]",
        };
        return new AuthorizationDecision(false, reason);
    }

    /// <summary>The rules that apply to <paramref name="user"/> in <paramref name="ns"/> ("" = cluster scope only), and the lookup errors.</summary>
    public static (List<RbacPolicyRule> Rules, List<string> Errors) RulesFor(RbacPolicy policy, UserInfo user, string ns)
    {
        var rules = new List<RbacPolicyRule>();
        var errors = new List<string>();
        VisitRulesFor(policy, user, ns, (_, rule, error) =>
        {
            if (error is not null)
            {
                errors.Add(error);
            }
            else
            {
                rules.Add(rule!);
            }
            return true;
        });
        return (rules, errors);
    }

    /// <summary>Visits (source description, rule, error); the visitor returns false to stop.</summary>
    private static void VisitRulesFor(RbacPolicy policy, UserInfo user, string ns, Func<string, RbacPolicyRule?, string?, bool> visit)
    {
        foreach (var binding in policy.ClusterRoleBindings)
        {
            var subject = AppliesTo(user, binding.Subjects, null);
            if (subject is null)
            {
                continue;
            }
            var (rules, error) = RoleReferenceRules(policy, binding.RoleRef, "");
            if (error is not null)
            {
                if (!visit("", null, error))
                {
                    return;
                }
                continue;
            }
            var source = $"ClusterRoleBinding \"{binding.Name}\" of {binding.RoleRef.Kind} \"{binding.RoleRef.Name}\" to {Describe(subject, "")}";
            foreach (var rule in rules!)
            {
                if (!visit(source, rule, null))
                {
                    return;
                }
            }
        }
        if (ns.Length == 0)
        {
            return;
        }
        foreach (var binding in policy.RoleBindingsIn(ns))
        {
            var subject = AppliesTo(user, binding.Subjects, ns);
            if (subject is null)
            {
                continue;
            }
            var (rules, error) = RoleReferenceRules(policy, binding.RoleRef, ns);
            if (error is not null)
            {
                if (!visit("", null, error))
                {
                    return;
                }
                continue;
            }
            var source = $"RoleBinding \"{binding.Name}/{ns}\" of {binding.RoleRef.Kind} \"{binding.RoleRef.Name}\" to {Describe(subject, ns)}";
            foreach (var rule in rules!)
            {
                if (!visit(source, rule, null))
                {
                    return;
                }
            }
        }
    }

    private static (IReadOnlyList<RbacPolicyRule>? Rules, string? Error) RoleReferenceRules(RbacPolicy policy, RbacRoleRef roleRef, string ns) =>
        roleRef.Kind switch
        {
            "Role" => policy.RoleRules(ns, roleRef.Name) is { } r
                ? (r, null)
                : (null, $"role.rbac.authorization.k8s.io \"{roleRef.Name}\" not found"),
            "ClusterRole" => policy.ClusterRoleRules(roleRef.Name) is { } c
                ? (c, null)
                : (null, $"clusterrole.rbac.authorization.k8s.io \"{roleRef.Name}\" not found"),
            _ => (null, $"unsupported role reference kind: \"{roleRef.Kind}\""),
        };

    /// <summary>The first subject that names the user; <paramref name="bindingNamespace"/> defaults ServiceAccount subjects' namespace.</summary>
    public static RbacSubject? AppliesTo(UserInfo user, IReadOnlyList<RbacSubject> subjects, string? bindingNamespace)
    {
        ArgumentNullException.ThrowIfNull(user);
        foreach (var s in subjects)
        {
            if (AppliesTo(user, s, bindingNamespace))
            {
                return s;
            }
        }
        return null;
    }

    public static bool AppliesTo(UserInfo user, RbacSubject subject, string? bindingNamespace)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(subject);
        switch (subject.Kind)
        {
            case RbacSubject.UserKind:
                return user.Name == subject.Name;
            case RbacSubject.GroupKind:
                return user.Groups.Contains(subject.Name);
            case RbacSubject.ServiceAccountKind:
                var saNamespace = string.IsNullOrEmpty(subject.Namespace) ? bindingNamespace : subject.Namespace;
                return !string.IsNullOrEmpty(saNamespace) && user.Name == $"system:serviceaccount:{saNamespace}:{subject.Name}";
            default:
                return false;
        }
    }

    /// <summary>rbac.RuleAllows: verb, API group, resource (with <c>*/subresource</c>) and name; or verb and non-resource URL.</summary>
    public static bool RuleAllows(AuthorizationAttributes attributes, RbacPolicyRule rule)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        ArgumentNullException.ThrowIfNull(rule);
        if (attributes.IsResourceRequest)
        {
            var combined = string.IsNullOrEmpty(attributes.Subresource) ? attributes.Resource : $"{attributes.Resource}/{attributes.Subresource}";
            return VerbMatches(rule, attributes.Verb)
                && ApiGroupMatches(rule, attributes.ApiGroup)
                && ResourceMatches(rule, combined, attributes.Subresource)
                && ResourceNameMatches(rule, attributes.Name);
        }
        return VerbMatches(rule, attributes.Verb) && NonResourceUrlMatches(rule, attributes.Path);
    }

    public static bool VerbMatches(RbacPolicyRule rule, string verb) => rule.Verbs.Any(v => v == "*" || v == verb);

    public static bool ApiGroupMatches(RbacPolicyRule rule, string group) => rule.ApiGroups.Any(g => g == "*" || g == group);

    public static bool ResourceMatches(RbacPolicyRule rule, string combinedResource, string? subresource)
    {
        foreach (var r in rule.Resources)
        {
            if (r == "*" || r == combinedResource)
            {
                return true;
            }
            if (!string.IsNullOrEmpty(subresource) && r.Length == subresource.Length + 2
                && r.StartsWith("*/", StringComparison.Ordinal) && r.EndsWith(subresource, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    public static bool ResourceNameMatches(RbacPolicyRule rule, string? name) =>
        rule.ResourceNames.Count == 0 || rule.ResourceNames.Contains(name ?? "");

    public static bool NonResourceUrlMatches(RbacPolicyRule rule, string path)
    {
        foreach (var u in rule.NonResourceUrls)
        {
            if (u == "*" || u == path)
            {
                return true;
            }
            if (u.EndsWith('*') && path.StartsWith(u[..^1], StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>rule.go describeSubject: ServiceAccounts print as name/namespace.</summary>
    private static string Describe(RbacSubject s, string bindingNamespace) =>
        s.Kind == RbacSubject.ServiceAccountKind
            ? $"{s.Kind} \"{s.Name}/{(string.IsNullOrEmpty(s.Namespace) ? bindingNamespace : s.Namespace)}\""
            : $"{s.Kind} \"{s.Name}\"";
}
