using AppKeys.LocalApiServer.Model;

namespace AppKeys.LocalApiServer.Registry;

/// <summary>The built-in kinds the local server serves (names, scopes and short names as kube-apiserver 1.32 reports them).</summary>
public static class BuiltInResources
{
    private static readonly string[] NoCollectionDelete = ["create", "delete", "get", "list", "patch", "update", "watch"];

    public static readonly ApiResourceInfo Namespaces = new()
    {
        Group = "",
        Version = "v1",
        Kind = "Namespace",
        ListKind = "NamespaceList",
        Plural = "namespaces",
        Singular = "namespace",
        Namespaced = false,
        ShortNames = ["ns"],
        HasStatusSubresource = true,
        Verbs = NoCollectionDelete,
        SelectableFields = ["status.phase"],
    };

    public static readonly ApiResourceInfo Secrets = new()
    {
        Group = "",
        Version = "v1",
        Kind = "Secret",
        ListKind = "SecretList",
        Plural = "secrets",
        Singular = "secret",
        Namespaced = true,
        SelectableFields = ["type"],
    };

    public static readonly ApiResourceInfo ConfigMaps = new()
    {
        Group = "",
        Version = "v1",
        Kind = "ConfigMap",
        ListKind = "ConfigMapList",
        Plural = "configmaps",
        Singular = "configmap",
        Namespaced = true,
        ShortNames = ["cm"],
    };

    public static readonly ApiResourceInfo Events = new()
    {
        Group = "",
        Version = "v1",
        Kind = "Event",
        ListKind = "EventList",
        Plural = "events",
        Singular = "event",
        Namespaced = true,
        ShortNames = ["ev"],
        SelectableFields =
        [
            "involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
            "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
            "reason", "reportingComponent", "source", "type",
        ],
    };

    public static readonly ApiResourceInfo ServiceAccounts = new()
    {
        Group = "",
        Version = "v1",
        Kind = "ServiceAccount",
        ListKind = "ServiceAccountList",
        Plural = "serviceaccounts",
        Singular = "serviceaccount",
        Namespaced = true,
        ShortNames = ["sa"],
    };

    public static readonly ApiResourceInfo Services = new()
    {
        Group = "",
        Version = "v1",
        Kind = "Service",
        ListKind = "ServiceList",
        Plural = "services",
        Singular = "service",
        Namespaced = true,
        ShortNames = ["svc"],
        Categories = ["all"],
        HasStatusSubresource = true,
        Verbs = NoCollectionDelete,
    };

    public static readonly ApiResourceInfo Leases = new()
    {
        Group = "coordination.k8s.io",
        Version = "v1",
        Kind = "Lease",
        ListKind = "LeaseList",
        Plural = "leases",
        Singular = "lease",
        Namespaced = true,
    };

    public static readonly ApiResourceInfo EventsV1 = new()
    {
        Group = "events.k8s.io",
        Version = "v1",
        Kind = "Event",
        ListKind = "EventList",
        Plural = "events",
        Singular = "event",
        Namespaced = true,
        ShortNames = ["ev"],
        SelectableFields = ["regarding.kind", "regarding.namespace", "regarding.name", "regarding.uid", "reason", "type", "reportingController"],
    };

    public static readonly ApiResourceInfo Deployments = new()
    {
        Group = "apps",
        Version = "v1",
        Kind = "Deployment",
        ListKind = "DeploymentList",
        Plural = "deployments",
        Singular = "deployment",
        Namespaced = true,
        ShortNames = ["deploy"],
        Categories = ["all"],
        HasStatusSubresource = true,
    };

    public static readonly ApiResourceInfo Roles = new()
    {
        Group = "rbac.authorization.k8s.io",
        Version = "v1",
        Kind = "Role",
        ListKind = "RoleList",
        Plural = "roles",
        Singular = "role",
        Namespaced = true,
    };

    public static readonly ApiResourceInfo ClusterRoles = new()
    {
        Group = "rbac.authorization.k8s.io",
        Version = "v1",
        Kind = "ClusterRole",
        ListKind = "ClusterRoleList",
        Plural = "clusterroles",
        Singular = "clusterrole",
        Namespaced = false,
    };

    public static readonly ApiResourceInfo RoleBindings = new()
    {
        Group = "rbac.authorization.k8s.io",
        Version = "v1",
        Kind = "RoleBinding",
        ListKind = "RoleBindingList",
        Plural = "rolebindings",
        Singular = "rolebinding",
        Namespaced = true,
    };

    public static readonly ApiResourceInfo ClusterRoleBindings = new()
    {
        Group = "rbac.authorization.k8s.io",
        Version = "v1",
        Kind = "ClusterRoleBinding",
        ListKind = "ClusterRoleBindingList",
        Plural = "clusterrolebindings",
        Singular = "clusterrolebinding",
        Namespaced = false,
    };

    public static readonly ApiResourceInfo PodDisruptionBudgets = new()
    {
        Group = "policy",
        Version = "v1",
        Kind = "PodDisruptionBudget",
        ListKind = "PodDisruptionBudgetList",
        Plural = "poddisruptionbudgets",
        Singular = "poddisruptionbudget",
        Namespaced = true,
        ShortNames = ["pdb"],
        HasStatusSubresource = true,
    };

    public static readonly ApiResourceInfo CustomResourceDefinitions = new()
    {
        Group = "apiextensions.k8s.io",
        Version = "v1",
        Kind = "CustomResourceDefinition",
        ListKind = "CustomResourceDefinitionList",
        Plural = "customresourcedefinitions",
        Singular = "customresourcedefinition",
        Namespaced = false,
        ShortNames = ["crd", "crds"],
        Categories = ["api-extensions"],
        HasStatusSubresource = true,
    };

    public static IReadOnlyList<ApiResourceInfo> All { get; } =
    [
        Namespaces, Secrets, ConfigMaps, Events, ServiceAccounts, Services, Leases, EventsV1, Deployments,
        Roles, ClusterRoles, RoleBindings, ClusterRoleBindings, PodDisruptionBudgets, CustomResourceDefinitions,
        Authorization.AuthorizationResources.SelfSubjectAccessReviews, Authorization.AuthorizationResources.SelfSubjectRulesReviews,
    ];

    /// <summary>
    /// Storage shared between served resources: events.k8s.io/v1 events live with core/v1 events (as in kube,
    /// where both are views of one etcd key space); everything else is stored per group and plural.
    /// </summary>
    public static string StorageKey(ApiResourceInfo resource) =>
        resource.Plural == "events" && resource.Group is "" or "events.k8s.io" ? "/events" : $"{resource.Group}/{resource.Plural}";

    /// <summary>Kinds whose strategy maintains <c>metadata.generation</c> in kube.</summary>
    public static bool TracksGeneration(ApiResourceInfo resource) =>
        resource.IsCustom || (resource.Group, resource.Plural) is ("apps", "deployments")
            or ("apiextensions.k8s.io", "customresourcedefinitions") or ("policy", "poddisruptionbudgets");

    /// <summary>Leases may be created by PUT and need a resourceVersion on update (kube: AllowUnconditionalUpdate false).</summary>
    public static bool IsLease(ApiResourceInfo resource) => resource.Group == "coordination.k8s.io" && resource.Plural == "leases";
}
