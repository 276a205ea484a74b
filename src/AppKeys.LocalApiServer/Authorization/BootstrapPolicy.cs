using System.Text.Json.Nodes;

namespace AppKeys.LocalApiServer.Authorization;

/// <summary>
/// The default roles and bindings kube-apiserver creates at start (plugin/pkg/auth/authorizer/rbac/bootstrappolicy
/// policy.go), reduced to the API groups this server can serve: cluster-admin for <c>system:masters</c>; discovery,
/// basic-user (SelfSubjectAccessReview) and public-info-viewer for every authenticated user; auth-delegator (TokenReview,
/// SubjectAccessReview; bound to nobody, as in kube); and the aggregated
/// admin/edit/view roles with their <c>system:aggregate-to-*</c> parts.
/// </summary>
public static class BootstrapPolicy
{
    private const string Rbac = "rbac.authorization.k8s.io";
    private static readonly string[] Read = ["get", "list", "watch"];
    private static readonly string[] Write = ["create", "update", "patch", "delete", "deletecollection"];
    private static readonly string[] ReadWrite = [.. Read, .. Write];

    public static IReadOnlyList<JsonObject> ClusterRoles() =>
    [
        Role("cluster-admin", null, null,
            Rule(["*"], ["*"], ["*"]),
            NonResource(["*"], ["*"])),
        Role("system:discovery", null, null,
            NonResource(["get"], ["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz", "/version", "/version/"])),
        Role("system:public-info-viewer", null, null,
            NonResource(["get"], ["/healthz", "/livez", "/readyz", "/version", "/version/"])),
        Role("system:basic-user", null, null,
            Rule(["create"], ["authorization.k8s.io"], ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]),
            Rule(["create"], ["authentication.k8s.io"], ["selfsubjectreviews"])),
        Role("system:auth-delegator", null, null,
            Rule(["create"], ["authentication.k8s.io"], ["tokenreviews"]),
            Rule(["create"], ["authorization.k8s.io"], ["subjectaccessreviews"])),
        Role("admin", "admin", null),
        Role("edit", "edit", "admin"),
        Role("view", "view", "edit"),
        Role("system:aggregate-to-admin", null, "admin",
            Rule(["create"], ["authorization.k8s.io"], ["localsubjectaccessreviews"]),
            Rule(ReadWrite, [Rbac], ["roles", "rolebindings"])),
        Role("system:aggregate-to-edit", null, "edit",
            Rule(Read, [""], ["pods/attach", "pods/proxy", "pods/exec", "pods/portforward", "secrets", "services/proxy"]),
            Rule(["impersonate"], [""], ["serviceaccounts"]),
            Rule(Write, [""], ["pods", "pods/attach", "pods/proxy", "pods/exec", "pods/portforward"]),
            Rule(["create"], [""], ["pods/eviction"]),
            Rule(Write, [""], ["replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services", "services/proxy", "persistentvolumeclaims", "configmaps", "secrets", "events"]),
            Rule(["create"], [""], ["serviceaccounts/token"]),
            Rule(Write, ["apps"], ["statefulsets", "statefulsets/scale", "daemonsets", "deployments", "deployments/scale", "deployments/rollback", "replicasets", "replicasets/scale"]),
            Rule(Write, ["autoscaling"], ["horizontalpodautoscalers"]),
            Rule(Write, ["batch"], ["jobs", "cronjobs"]),
            Rule(Write, ["policy"], ["poddisruptionbudgets"]),
            Rule(Write, ["networking.k8s.io"], ["networkpolicies", "ingresses"])),
        Role("system:aggregate-to-view", null, "view",
            Rule(Read, [""], ["pods", "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services", "services/status", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status", "configmaps"]),
            Rule(Read, [""], ["limitranges", "resourcequotas", "bindings", "events", "pods/status", "resourcequotas/status", "namespaces/status", "replicationcontrollers/status", "pods/log"]),
            Rule(Read, [""], ["namespaces"]),
            Rule(Read, ["discovery.k8s.io"], ["endpointslices"]),
            Rule(Read, ["apps"], ["controllerrevisions", "statefulsets", "statefulsets/scale", "statefulsets/status", "daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status", "replicasets", "replicasets/scale", "replicasets/status"]),
            Rule(Read, ["autoscaling"], ["horizontalpodautoscalers", "horizontalpodautoscalers/status"]),
            Rule(Read, ["batch"], ["jobs", "cronjobs", "cronjobs/status", "jobs/status"]),
            Rule(Read, ["policy"], ["poddisruptionbudgets", "poddisruptionbudgets/status"]),
            Rule(Read, ["networking.k8s.io"], ["networkpolicies", "ingresses", "ingresses/status"])),
    ];

    public static IReadOnlyList<JsonObject> ClusterRoleBindings() =>
    [
        Binding("cluster-admin", "system:masters"),
        Binding("system:discovery", "system:authenticated"),
        Binding("system:basic-user", "system:authenticated"),
        Binding("system:public-info-viewer", "system:authenticated", "system:unauthenticated"),
    ];

    private static JsonObject Role(string name, string? aggregates, string? aggregateTo, params JsonObject[] rules)
    {
        var labels = new JsonObject { ["kubernetes.io/bootstrapping"] = "rbac-defaults" };
        if (aggregateTo is not null)
        {
            labels[$"{Rbac}/aggregate-to-{aggregateTo}"] = "true";
        }
        var role = new JsonObject
        {
            ["apiVersion"] = $"{Rbac}/v1",
            ["kind"] = "ClusterRole",
            ["metadata"] = Metadata(name, labels),
            ["rules"] = new JsonArray([.. rules]),
        };
        if (aggregates is not null)
        {
            role["aggregationRule"] = new JsonObject
            {
                ["clusterRoleSelectors"] = new JsonArray(new JsonObject
                {
                    ["matchLabels"] = new JsonObject { [$"{Rbac}/aggregate-to-{aggregates}"] = "true" },
                }),
            };
        }
        return role;
    }

    private static JsonObject Binding(string role, params string[] groups)
    {
        var subjects = new JsonArray();
        foreach (var g in groups)
        {
            subjects.Add(new JsonObject { ["apiGroup"] = Rbac, ["kind"] = "Group", ["name"] = g });
        }
        return new JsonObject
        {
            ["apiVersion"] = $"{Rbac}/v1",
            ["kind"] = "ClusterRoleBinding",
            ["metadata"] = Metadata(role, new JsonObject { ["kubernetes.io/bootstrapping"] = "rbac-defaults" }),
            ["roleRef"] = new JsonObject { ["apiGroup"] = Rbac, ["kind"] = "ClusterRole", ["name"] = role },
            ["subjects"] = subjects,
        };
    }

    private static JsonObject Metadata(string name, JsonObject labels) => new()
    {
        ["name"] = name,
        ["labels"] = labels,
        ["annotations"] = new JsonObject { ["rbac.authorization.kubernetes.io/autoupdate"] = "true" },
    };

    private static JsonObject Rule(string[] verbs, string[] groups, string[] resources) =>
        new RbacPolicyRule { Verbs = verbs, ApiGroups = groups, Resources = resources }.ToJson();

    private static JsonObject NonResource(string[] verbs, string[] urls) =>
        new RbacPolicyRule { Verbs = verbs, NonResourceUrls = urls }.ToJson();
}
