using AppKeys.LocalApiServer.Authentication;
using AppKeys.LocalApiServer.Authorization;

namespace AppKeys.LocalApiServer.Tests.Authorization;

/// <summary>
/// The RBAC evaluator as tables of rules × requests, against kube's rule matching
/// (pkg/apis/rbac/v1/evaluation_helpers.go) and binding resolution (pkg/registry/rbac/validation/rule.go).
/// </summary>
public sealed class RbacEvaluatorTests
{
    private static readonly UserInfo Sa = new("system:serviceaccount:ns:sa", ["system:serviceaccounts", "system:serviceaccounts:ns", "system:authenticated"]);

    private static AuthorizationAttributes Resource(string verb, string group, string resource, string? sub = null, string? ns = "ns", string? name = null, UserInfo? user = null) =>
        new(user ?? Sa, verb, true, group, "v1", resource, sub, ns, name, "");

    private static AuthorizationAttributes Path(string verb, string path, UserInfo? user = null) =>
        new(user ?? Sa, verb, false, "", "", "", null, null, null, path);

    private static RbacPolicyRule Rule(string[] verbs, string[] groups, string[] resources, string[]? names = null) =>
        new() { Verbs = verbs, ApiGroups = groups, Resources = resources, ResourceNames = names ?? [] };

    public static TheoryData<string, RbacPolicyRule, AuthorizationAttributes, bool> RuleCases() => new()
    {
        { "exact verb, core group, resource", Rule(["list"], [""], ["secrets"]), Resource("list", "", "secrets"), true },
        { "other verb", Rule(["get"], [""], ["secrets"]), Resource("list", "", "secrets"), false },
        { "verb star", Rule(["*"], [""], ["secrets"]), Resource("deletecollection", "", "secrets"), true },
        { "group mismatch", Rule(["list"], ["apps"], ["secrets"]), Resource("list", "", "secrets"), false },
        { "group star", Rule(["list"], ["*"], ["deployments"]), Resource("list", "apps", "deployments"), true },
        { "resource star", Rule(["get"], ["appkeys.io"], ["*"]), Resource("get", "appkeys.io", "applicationkeys", "status"), true },
        { "resource does not cover subresource", Rule(["update"], ["appkeys.io"], ["applicationkeys"]), Resource("update", "appkeys.io", "applicationkeys", "status"), false },
        { "exact subresource", Rule(["update"], ["appkeys.io"], ["applicationkeys/status"]), Resource("update", "appkeys.io", "applicationkeys", "status"), true },
        { "subresource rule does not cover main", Rule(["update"], ["appkeys.io"], ["applicationkeys/status"]), Resource("update", "appkeys.io", "applicationkeys"), false },
        { "star slash subresource", Rule(["patch"], ["appkeys.io"], ["*/status"]), Resource("patch", "appkeys.io", "applications", "status"), true },
        { "star slash other subresource", Rule(["patch"], ["appkeys.io"], ["*/status"]), Resource("patch", "appkeys.io", "applications", "finalizers"), false },
        { "star slash without subresource", Rule(["patch"], ["appkeys.io"], ["*/status"]), Resource("patch", "appkeys.io", "applications"), false },
        { "resourceNames match", Rule(["get"], [""], ["secrets"], ["a"]), Resource("get", "", "secrets", name: "a"), true },
        { "resourceNames other name", Rule(["get"], [""], ["secrets"], ["a"]), Resource("get", "", "secrets", name: "b"), false },
        { "resourceNames and list without name", Rule(["list"], [""], ["secrets"], ["a"]), Resource("list", "", "secrets"), false },
        { "resource rule never matches a path", Rule(["get"], ["*"], ["*"]), Path("get", "/healthz"), false },
        { "non-resource exact", new RbacPolicyRule { Verbs = ["get"], NonResourceUrls = ["/healthz"] }, Path("get", "/healthz"), true },
        { "non-resource prefix star", new RbacPolicyRule { Verbs = ["get"], NonResourceUrls = ["/apis/*"] }, Path("get", "/apis/apps/v1"), true },
        { "non-resource prefix needs the slash", new RbacPolicyRule { Verbs = ["get"], NonResourceUrls = ["/apis/*"] }, Path("get", "/apis"), false },
        { "non-resource star", new RbacPolicyRule { Verbs = ["*"], NonResourceUrls = ["*"] }, Path("post", "/anything"), true },
        { "non-resource verb", new RbacPolicyRule { Verbs = ["get"], NonResourceUrls = ["/metrics"] }, Path("post", "/metrics"), false },
        { "non-resource rule never matches a resource", new RbacPolicyRule { Verbs = ["*"], NonResourceUrls = ["*"] }, Resource("get", "", "secrets"), false },
    };

    [Theory]
    [MemberData(nameof(RuleCases))]
    public void RuleAllows_matches_like_kube(string description, RbacPolicyRule rule, AuthorizationAttributes request, bool allowed) =>
        Assert.True(RbacEvaluator.RuleAllows(request, rule) == allowed, description);

    private static RbacRole Role(string? ns, string name, params RbacPolicyRule[] rules) =>
        new(ns, name, rules, new Dictionary<string, string>());

    private static RbacBinding Binding(string? ns, string name, string roleKind, string role, params RbacSubject[] subjects) =>
        new(ns, name, new RbacRoleRef(roleKind, role), subjects);

    private static readonly RbacPolicyRule ReadSecrets = Rule(["get", "list", "watch"], [""], ["secrets"]);

    public static TheoryData<string, RbacPolicy, AuthorizationAttributes, bool> BindingCases() => new()
    {
        {
            "RoleBinding to Role for the ServiceAccount (namespace defaulted from the binding)",
            new RbacPolicy([Role("ns", "reader", ReadSecrets)], [], [Binding("ns", "b", "Role", "reader", new RbacSubject("ServiceAccount", "sa"))], []),
            Resource("list", "", "secrets"), true
        },
        {
            "RoleBinding applies only in its namespace",
            new RbacPolicy([Role("ns", "reader", ReadSecrets)], [], [Binding("ns", "b", "Role", "reader", new RbacSubject("ServiceAccount", "sa"))], []),
            Resource("list", "", "secrets", ns: "other"), false
        },
        {
            "RoleBinding never grants cluster-scoped requests",
            new RbacPolicy([], [Role(null, "all", Rule(["*"], ["*"], ["*"]))], [Binding("ns", "b", "ClusterRole", "all", new RbacSubject("ServiceAccount", "sa"))], []),
            Resource("list", "", "namespaces", ns: null), false
        },
        {
            "RoleBinding to a ClusterRole grants it within the namespace",
            new RbacPolicy([], [Role(null, "reader", ReadSecrets)], [Binding("ns", "b", "ClusterRole", "reader", new RbacSubject("ServiceAccount", "sa", "ns"))], []),
            Resource("watch", "", "secrets"), true
        },
        {
            "ServiceAccount subject of another namespace",
            new RbacPolicy([Role("ns", "reader", ReadSecrets)], [], [Binding("ns", "b", "Role", "reader", new RbacSubject("ServiceAccount", "sa", "other"))], []),
            Resource("list", "", "secrets"), false
        },
        {
            "ClusterRoleBinding ServiceAccount subject without namespace never matches",
            new RbacPolicy([], [Role(null, "reader", ReadSecrets)], [], [Binding(null, "b", "ClusterRole", "reader", new RbacSubject("ServiceAccount", "sa"))]),
            Resource("list", "", "secrets"), false
        },
        {
            "ClusterRoleBinding to the group system:serviceaccounts:ns",
            new RbacPolicy([], [Role(null, "reader", ReadSecrets)], [], [Binding(null, "b", "ClusterRole", "reader", new RbacSubject("Group", "system:serviceaccounts:ns"))]),
            Resource("list", "", "secrets", ns: "anywhere"), true
        },
        {
            "ClusterRoleBinding to a User by name",
            new RbacPolicy([], [Role(null, "reader", ReadSecrets)], [], [Binding(null, "b", "ClusterRole", "reader", new RbacSubject("User", "system:serviceaccount:ns:sa"))]),
            Resource("get", "", "secrets", name: "x"), true
        },
        {
            "unknown subject kind",
            new RbacPolicy([], [Role(null, "reader", ReadSecrets)], [], [Binding(null, "b", "ClusterRole", "reader", new RbacSubject("Robot", "system:serviceaccount:ns:sa"))]),
            Resource("get", "", "secrets"), false
        },
        {
            "aggregated ClusterRole gets the rules of the roles its selector matches",
            new RbacPolicy([],
                [
                    new RbacRole(null, "agg", [], new Dictionary<string, string>(), [new RbacLabelSelector(new Dictionary<string, string> { ["x/aggregate"] = "true" }, [])]),
                    new RbacRole(null, "part", [ReadSecrets], new Dictionary<string, string> { ["x/aggregate"] = "true" }),
                ],
                [Binding("ns", "b", "ClusterRole", "agg", new RbacSubject("ServiceAccount", "sa"))], []),
            Resource("get", "", "secrets"), true
        },
        {
            "aggregation follows aggregated parts (admin ⊇ edit ⊇ view)",
            new RbacPolicy([],
                [
                    new RbacRole(null, "top", [], new Dictionary<string, string>(), [new RbacLabelSelector(new Dictionary<string, string> { ["to-top"] = "true" }, [])]),
                    new RbacRole(null, "middle", [], new Dictionary<string, string> { ["to-top"] = "true" }, [new RbacLabelSelector(new Dictionary<string, string>(), [("to-middle", "Exists", [])])]),
                    new RbacRole(null, "leaf", [ReadSecrets], new Dictionary<string, string> { ["to-middle"] = "yes" }),
                ],
                [Binding("ns", "b", "ClusterRole", "top", new RbacSubject("ServiceAccount", "sa"))], []),
            Resource("watch", "", "secrets"), true
        },
        {
            "aggregation ignores the stored rules of the aggregated role",
            new RbacPolicy([],
                [new RbacRole(null, "agg", [ReadSecrets], new Dictionary<string, string>(), [new RbacLabelSelector(new Dictionary<string, string> { ["none"] = "true" }, [])])],
                [Binding("ns", "b", "ClusterRole", "agg", new RbacSubject("ServiceAccount", "sa"))], []),
            Resource("get", "", "secrets"), false
        },
        {
            "system:masters is always allowed",
            RbacPolicy.Empty,
            Resource("delete", "", "namespaces", ns: null, user: new UserInfo("root", ["system:masters", "system:authenticated"])), true
        },
    };

    [Theory]
    [MemberData(nameof(BindingCases))]
    public void Bindings_resolve_like_kube(string description, RbacPolicy policy, AuthorizationAttributes request, bool allowed) =>
        Assert.True(RbacEvaluator.Authorize(policy, request).Allowed == allowed, description);

    [Fact]
    public void Allowed_reason_names_the_binding_role_and_subject()
    {
        var policy = new RbacPolicy([Role("ns", "reader", ReadSecrets)], [Role(null, "nodes", Rule(["get"], [""], ["nodes"]))],
            [Binding("ns", "rb", "Role", "reader", new RbacSubject("ServiceAccount", "sa"))],
            [Binding(null, "crb", "ClusterRole", "nodes", new RbacSubject("Group", "system:authenticated"))]);

        Assert.Equal("RBAC: allowed by RoleBinding \"rb/ns\" of Role \"reader\" to ServiceAccount \"sa/ns\"",
            RbacEvaluator.Authorize(policy, Resource("list", "", "secrets")).Reason);
        Assert.Equal("RBAC: allowed by ClusterRoleBinding \"crb\" of ClusterRole \"nodes\" to Group \"system:authenticated\"",
            RbacEvaluator.Authorize(policy, Resource("get", "", "nodes", ns: null)).Reason);
    }

    [Fact]
    public void Denial_reason_lists_missing_roles_as_kube_does()
    {
        var none = RbacEvaluator.Authorize(RbacPolicy.Empty, Resource("list", "", "secrets"));
        Assert.False(none.Allowed);
        Assert.Null(none.Reason);

        var one = new RbacPolicy([], [], [Binding("ns", "b", "Role", "gone", new RbacSubject("ServiceAccount", "sa"))], []);
        Assert.Equal("RBAC: role.rbac.authorization.k8s.io \"gone\" not found", RbacEvaluator.Authorize(one, Resource("list", "", "secrets")).Reason);

        var two = new RbacPolicy([], [],
            [Binding("ns", "b", "Role", "gone", new RbacSubject("ServiceAccount", "sa"))],
            [Binding(null, "c", "ClusterRole", "missing", new RbacSubject("Group", "system:authenticated"))]);
        Assert.Equal("RBAC: [clusterrole.rbac.authorization.k8s.io \"missing\" not found, role.rbac.authorization.k8s.io \"gone\" not found]",
            RbacEvaluator.Authorize(two, Resource("list", "", "secrets")).Reason);
    }

    public static TheoryData<AuthorizationAttributes, string> ForbiddenCases() => new()
    {
        { Resource("list", "", "secrets"), "secrets is forbidden: User \"system:serviceaccount:ns:sa\" cannot list resource \"secrets\" in API group \"\" in the namespace \"ns\"" },
        { Resource("get", "", "secrets", name: "s1"), "secrets \"s1\" is forbidden: User \"system:serviceaccount:ns:sa\" cannot get resource \"secrets\" in API group \"\" in the namespace \"ns\"" },
        { Resource("list", "", "namespaces", ns: null), "namespaces is forbidden: User \"system:serviceaccount:ns:sa\" cannot list resource \"namespaces\" in API group \"\" at the cluster scope" },
        { Resource("update", "appkeys.io", "applicationkeys", "status", name: "k"), "applicationkeys.appkeys.io \"k\" is forbidden: User \"system:serviceaccount:ns:sa\" cannot update resource \"applicationkeys/status\" in API group \"appkeys.io\" in the namespace \"ns\"" },
        { Path("get", "/metrics"), "forbidden: User \"system:serviceaccount:ns:sa\" cannot get path \"/metrics\"" },
    };

    [Theory]
    [MemberData(nameof(ForbiddenCases))]
    public void Forbidden_message_is_kubes(AuthorizationAttributes request, string message)
    {
        var error = ForbiddenError.For(request, null);
        Assert.Equal(403, error.Code);
        Assert.Equal("Forbidden", error.Reason);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Label_selector_operators()
    {
        var labels = new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" };
        Assert.True(new RbacLabelSelector(new Dictionary<string, string>(), []).Matches(labels));
        Assert.True(new RbacLabelSelector(new Dictionary<string, string> { ["a"] = "1" }, [("b", "In", ["2", "3"])]).Matches(labels));
        Assert.False(new RbacLabelSelector(new Dictionary<string, string>(), [("b", "NotIn", ["2"])]).Matches(labels));
        Assert.True(new RbacLabelSelector(new Dictionary<string, string>(), [("c", "NotIn", ["2"])]).Matches(labels));
        Assert.True(new RbacLabelSelector(new Dictionary<string, string>(), [("c", "DoesNotExist", [])]).Matches(labels));
        Assert.False(new RbacLabelSelector(new Dictionary<string, string>(), [("a", "DoesNotExist", [])]).Matches(labels));
        Assert.False(new RbacLabelSelector(new Dictionary<string, string>(), [("a", "Gt", ["0"])]).Matches(labels));
    }
}
